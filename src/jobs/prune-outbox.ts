import type { Job } from './runner.js';

const BATCH = 5000;

/**
 * Deletes (hard) outbox events processed longer than `retentionDays` ago, with their delivery
 * records, a batch per run. Events with a dead-lettered delivery are kept for operators.
 */
export function pruneOutboxJob(options: { retentionDays: number }): Job {
  return {
    name: 'prune-outbox',
    schedule: '47 * * * *',
    async run(tx, now) {
      const cutoff = new Date(now.getTime() - options.retentionDays * 86_400_000);
      const doomed = await tx.$queryRaw<{ id: string }[]>`
        SELECT e."id" FROM "OutboxEvent" e
        WHERE e."processedAt" < ${cutoff}
          AND NOT EXISTS (SELECT 1 FROM "EventDelivery" d WHERE d."eventId" = e."id" AND d."status" <> 'SUCCEEDED')
        ORDER BY e."processedAt"
        LIMIT ${BATCH}`;
      const ids = doomed.map((r) => r.id);
      if (ids.length === 0) return { rowsTouched: 0, pruned: 0 };
      const deliveries = await tx.$executeRaw`DELETE FROM "EventDelivery" WHERE "eventId" = ANY(${ids}::uuid[])`;
      const pruned = await tx.$executeRaw`DELETE FROM "OutboxEvent" WHERE "id" = ANY(${ids}::uuid[])`;
      return { rowsTouched: deliveries + pruned, pruned };
    },
  };
}

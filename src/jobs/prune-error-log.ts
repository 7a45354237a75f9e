import type { Job } from './runner.js';

/** Deletes error-log entries not seen for `retentionDays` (on the lastSeenAt index). */
export function pruneErrorLogJob(options: { retentionDays: number }): Job {
  return {
    name: 'prune-error-log',
    // Daily at 03:41.
    schedule: '41 3 * * *',
    async run(tx, now) {
      const cutoff = new Date(now.getTime() - options.retentionDays * 86_400_000);
      const pruned = await tx.$executeRaw`DELETE FROM "ErrorLogEntry" WHERE "lastSeenAt" < ${cutoff}`;
      return { rowsTouched: pruned };
    },
  };
}

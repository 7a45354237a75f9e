import type { Job } from './runner.js';

const BATCH = 10_000;

/**
 * Deletes (hard) change-log rows (SyncChange, docs/sync.md) older than `retentionDays`, a batch per
 * run, and moves the horizon to the newest position it deleted: a sync cursor before the horizon
 * answers SYNC_CURSOR_EXPIRED, since changes after it may be gone. One statement. The age is the
 * database's clock (the log's changedAt is written by a trigger, with the database's time).
 */
export function pruneSyncLogJob(options: { retentionDays: number }): Job {
  return {
    name: 'prune-sync-log',
    schedule: '53 * * * *',
    async run(tx) {
      const rows = await tx.$queryRaw<{ pruned: number }[]>`
        WITH doomed AS (
          SELECT "seq" FROM "SyncChange"
          WHERE "changedAt" < now() - make_interval(days => ${options.retentionDays}::int)
          ORDER BY "changedAt"
          LIMIT ${BATCH}
        ),
        gone AS (
          DELETE FROM "SyncChange" l USING doomed d WHERE l."seq" = d."seq" RETURNING l."xid", l."seq"
        ),
        newest AS (SELECT g."xid", g."seq" FROM gone g ORDER BY g."xid" DESC, g."seq" DESC LIMIT 1),
        moved AS (
          UPDATE "SyncHorizon" h SET "xid" = n."xid", "seq" = n."seq", "prunedAt" = now()
          FROM newest n WHERE h."id" = 1 AND ROW(n."xid", n."seq") > ROW(h."xid", h."seq")
          RETURNING 1
        )
        SELECT (SELECT count(*) FROM gone)::int AS pruned, (SELECT count(*) FROM moved)::int AS moved`;
      const pruned = rows[0]?.pruned ?? 0;
      return { rowsTouched: pruned, pruned };
    },
  };
}

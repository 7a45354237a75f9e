import type { Db } from '../db/client.js';

export interface OpsState {
  /** Outbox events not yet processed. */
  backlog: number;
  /** Age of the oldest of them; 0 when there is none. */
  oldestPendingAgeSeconds: number;
  /** Deliveries dead-lettered (waiting for an operator). */
  deadLetters: number;
}

export interface OpsSnapshot {
  /** The state now; concurrent callers (a scrape's three gauges, a probe) share one query. */
  read(): Promise<OpsState>;
}

/**
 * The outbox's health in one statement, both counts on partial indexes (pending events, dead
 * deliveries), so a scrape or a readiness probe costs two small index scans.
 */
export function createOpsSnapshot(deps: { db: Db; now: () => Date }): OpsSnapshot {
  let inFlight: Promise<OpsState> | null = null;
  const query = async (): Promise<OpsState> => {
    const [row] = await deps.db.$queryRaw<{ backlog: number; oldest: Date | null; dead: number }[]>`
      SELECT (SELECT count(*)::int FROM "OutboxEvent" WHERE "processedAt" IS NULL) AS backlog,
             (SELECT min("occurredAt") FROM "OutboxEvent" WHERE "processedAt" IS NULL) AS oldest,
             (SELECT count(*)::int FROM "EventDelivery" WHERE "status" = 'DEAD') AS dead`;
    const oldest = row?.oldest ? Math.max(0, (deps.now().getTime() - row.oldest.getTime()) / 1000) : 0;
    return { backlog: row?.backlog ?? 0, oldestPendingAgeSeconds: oldest, deadLetters: row?.dead ?? 0 };
  };
  return {
    read() {
      inFlight ??= query().finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
  };
}

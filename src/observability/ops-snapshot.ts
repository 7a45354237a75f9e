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
  /** The state, read at most once per `maxAgeMs` (scrapes and /ready share it). */
  read(): Promise<OpsState>;
}

/**
 * The outbox's health in one statement, both counts on partial indexes (pending events, dead
 * deliveries), so a scrape or a readiness probe costs two index scans.
 */
export function createOpsSnapshot(deps: { db: Db; now: () => Date; maxAgeMs?: number }): OpsSnapshot {
  const maxAgeMs = deps.maxAgeMs ?? 5_000;
  let cached: { at: number; state: Promise<OpsState> } | null = null;
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
      const at = Date.now();
      if (!cached || at - cached.at >= maxAgeMs) {
        const state = query();
        cached = { at, state };
        // A failed read is not kept: the next caller tries again.
        state.catch(() => {
          if (cached?.state === state) cached = null;
        });
      }
      return cached.state;
    },
  };
}

import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { recordActivity } from '../resolvers/analytics/record-activity.js';
import type { DomainContext } from '../resolvers/domain-context.js';

/** How often the accounts seen active are written (one statement per flush). */
export const ACTIVITY_FLUSH_INTERVAL_MS = 10_000;

export interface ActivityTracker {
  plugin: Plugin<Context>;
  /** Writes the accounts seen since the last flush; resolves with the rows written. */
  flush(): Promise<number>;
  start(intervalMs?: number): void;
  /** Stops the timer and writes what is pending. */
  stop(): Promise<void>;
}

/**
 * "Active" (analytics' DAU and WAU): an account that ran at least one GraphQL operation (query,
 * mutation or subscription) signed in, on that UTC day. Recorded cheaply and off the request
 * path: the plugin remembers which accounts this replica has seen today, queues the first
 * operation of each account per day, and the tracker writes the queue every
 * ACTIVITY_FLUSH_INTERVAL_MS in one statement (UserActivityDay, ON CONFLICT DO NOTHING). A
 * request costs a set lookup; a crash loses at most the queue of one interval (those accounts
 * count again on their next operation after the restart).
 */
export function createActivityTracker(deps: Pick<DomainContext, 'db' | 'now' | 'logger'>): ActivityTracker {
  let today = '';
  let seen = new Set<string>();
  let pending: { day: string; userId: string }[] = [];
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<number> | null = null;

  const mark = (ctx: Context) => {
    const userId = ctx.viewer?.id;
    if (!userId) return;
    const day = deps.now().toISOString().slice(0, 10);
    if (day !== today) {
      today = day;
      seen = new Set();
    }
    if (seen.has(userId)) return;
    seen.add(userId);
    pending.push({ day, userId });
  };

  const writePending = async (): Promise<number> => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return 0;
    try {
      return await recordActivity(deps, { days: batch.map((b) => b.day), userIds: batch.map((b) => b.userId) });
    } catch (err) {
      // Try again with the next flush.
      pending = [...batch, ...pending];
      deps.logger.warn({ err, accounts: batch.length }, 'activity not recorded; will retry');
      return 0;
    }
  };
  const flush = async () => {
    while (flushing) await flushing;
    flushing = writePending().finally(() => {
      flushing = null;
    });
    return flushing;
  };

  return {
    plugin: {
      onExecute({ args }) {
        mark(args.contextValue);
      },
      onSubscribe({ args }) {
        mark(args.contextValue);
      },
    },
    flush,
    start(intervalMs = ACTIVITY_FLUSH_INTERVAL_MS) {
      if (timer) return;
      timer = setInterval(() => void flush(), intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await flush();
    },
  };
}

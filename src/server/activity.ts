import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { recordActivity } from '../resolvers/analytics/record-activity.js';
import type { DomainContext } from '../resolvers/context.js';

/**
 * "Active" (analytics' DAU and WAU): an account that ran at least one GraphQL operation (query,
 * mutation or subscription) signed in, on that UTC day. Recorded cheaply: this replica remembers
 * which accounts it has recorded today and writes one row (UserActivityDay, ON CONFLICT DO
 * NOTHING) only for the first operation of each account per day; the first operation waits for
 * that one insert, every later one writes nothing. The set is dropped when the day changes.
 */
export function useActivityTracking(deps: Pick<DomainContext, 'db' | 'now' | 'logger'>): Plugin<Context> {
  let today = '';
  let seen = new Set<string>();
  const record = async (ctx: Context) => {
    const userId = ctx.viewer?.id;
    if (!userId) return;
    const day = deps.now().toISOString().slice(0, 10);
    if (day !== today) {
      today = day;
      seen = new Set();
    }
    if (seen.has(userId)) return;
    const set = seen;
    set.add(userId);
    try {
      await recordActivity(deps, { userId, day });
    } catch (err) {
      // Not worth failing the operation for: try again on the account's next one.
      set.delete(userId);
      deps.logger.warn({ err, userId }, 'activity not recorded');
    }
  };
  return {
    async onExecute({ args }) {
      await record(args.contextValue);
    },
    async onSubscribe({ args }) {
      await record(args.contextValue);
    },
  };
}

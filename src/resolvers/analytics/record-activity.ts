import type { DomainContext } from '../domain-context.js';

export interface RecordActivityInput {
  /** Pairs of (UTC day YYYY-MM-DD, account id): the account was active on that day. */
  days: string[];
  userIds: string[];
}

/**
 * Marks accounts active on days (for DAU/WAU), in one statement: one row per account and day; a
 * pair already written is skipped. Callers batch the first operation of each account per day
 * (src/server/activity.ts), not one write per request.
 */
export async function recordActivity(ctx: Pick<DomainContext, 'db'>, input: RecordActivityInput): Promise<number> {
  if (input.days.length === 0) return 0;
  return ctx.db.$executeRaw`
    INSERT INTO "UserActivityDay" ("day", "userId")
    SELECT * FROM unnest(${input.days}::date[], ${input.userIds}::uuid[])
    ON CONFLICT DO NOTHING`;
}

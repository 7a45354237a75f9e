import type { DomainContext } from '../context.js';

export interface RecordActivityInput {
  userId: string;
  /** The UTC day, YYYY-MM-DD. */
  day: string;
}

/**
 * Marks the account active on `day` (for DAU/WAU): one row per account and day, a second
 * write of the same pair does nothing. Callers write it at most once per account and day
 * (src/server/activity.ts), not per request.
 */
export async function recordActivity(ctx: Pick<DomainContext, 'db'>, input: RecordActivityInput): Promise<void> {
  await ctx.db.$executeRaw`
    INSERT INTO "UserActivityDay" ("day", "userId") VALUES (${input.day}::date, ${input.userId}::uuid)
    ON CONFLICT DO NOTHING`;
}

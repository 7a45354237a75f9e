import { Prisma } from '../generated/prisma/client.js';
import { DAILY_COLUMNS, dailyFiguresSql } from '../resolvers/analytics/daily-figures.js';
import type { Job, JobResult } from './runner.js';

const DAY_MS = 86_400_000;

/**
 * Rolls the analytics figures of finished UTC days up into AnalyticsDay (one row per day), so
 * `analytics` reads a row per past day instead of scanning the base tables. Each run rolls up the
 * days after the last one rolled up, from the first sign-up on, at most `maxDays` per run (a
 * catch-up continues on the next runs), and rolls the last `settleDays` days up again: a
 * RevenueCat event delivered late lands on its own (past) day. One statement per run.
 */
export function rollupAnalyticsJob(options: { settleDays?: number; maxDays?: number } = {}): Job {
  const settleDays = options.settleDays ?? 3;
  const maxDays = options.maxDays ?? 62;
  return {
    name: 'rollup-analytics',
    // Hourly, at minute 17 (off the hour, when other jobs run).
    schedule: '17 * * * *',
    async run(tx, now): Promise<JobResult> {
      const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
      const [bounds] = await tx.$queryRaw<{ next: Date | null; first: Date | null }[]>`
        SELECT (SELECT max("day") + 1 FROM "AnalyticsDay")::timestamp AS next,
          (SELECT date_trunc('day', min("createdAt")) FROM "User") AS first`;
      if (!bounds?.first) return { rowsTouched: 0 };
      const first = bounds.first.getTime();
      const lo = Math.max(first, Math.min(bounds.next?.getTime() ?? first, today - settleDays * DAY_MS));
      const hi = Math.min(today, lo + maxDays * DAY_MS);
      if (lo >= hi) return { rowsTouched: 0 };
      const from = Prisma.sql`${new Date(lo)}::timestamp`;
      const to = Prisma.sql`${new Date(hi)}::timestamp`;
      const days = await tx.$executeRaw`
        INSERT INTO "AnalyticsDay" ("day", "signUps", "activeUsers", "assignmentsCreated", "lecturesCreated",
          "studySessionsCreated", "assignmentsCompleted", "premiumConversions", "computedAt")
        SELECT ${Prisma.raw(DAILY_COLUMNS)}, ${now} FROM (${dailyFiguresSql(from, to)}) f
        ON CONFLICT ("day") DO UPDATE SET
          "signUps" = EXCLUDED."signUps", "activeUsers" = EXCLUDED."activeUsers",
          "assignmentsCreated" = EXCLUDED."assignmentsCreated", "lecturesCreated" = EXCLUDED."lecturesCreated",
          "studySessionsCreated" = EXCLUDED."studySessionsCreated",
          "assignmentsCompleted" = EXCLUDED."assignmentsCompleted",
          "premiumConversions" = EXCLUDED."premiumConversions", "computedAt" = EXCLUDED."computedAt"`;
      return {
        rowsTouched: days,
        from: new Date(lo).toISOString().slice(0, 10),
        to: new Date(hi).toISOString().slice(0, 10),
      };
    },
  };
}

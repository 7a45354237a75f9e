import { ValidationError } from '../../errors.js';
import { Prisma } from '../../generated/prisma/client.js';
import { requireAdmin } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import { checkDate } from '../shared.js';
import { DAILY_COLUMNS, dailyFiguresSql } from './daily-figures.js';

export type Granularity = 'DAY' | 'WEEK';

export interface GetAnalyticsInput {
  /** Rounded down to the start of its bucket (a UTC day, or a Monday for weeks). */
  from: Date;
  /** Exclusive; rounded up to a bucket boundary. */
  to: Date;
  granularity: Granularity;
}

export interface AnalyticsBucket {
  /** Start of the bucket (UTC midnight; a Monday for WEEK). */
  start: Date;
  signUps: number;
  /** Accounts active in the bucket: DAU for DAY, WAU for WEEK (see src/server/activity.ts). */
  activeUsers: number;
  assignmentsCreated: number;
  lecturesCreated: number;
  studySessionsCreated: number;
  assignmentsCompleted: number;
  /** Accounts whose first purchase (RevenueCat INITIAL_PURCHASE) was applied in the bucket. */
  premiumConversions: number;
}

/** The business events the buckets count, by type, and the bucket field that counts each. */
export const ANALYTICS_EVENTS = {
  SIGN_UP: 'signUps',
  ASSIGNMENT_CREATED: 'assignmentsCreated',
  LECTURE_CREATED: 'lecturesCreated',
  STUDY_SESSION_CREATED: 'studySessionsCreated',
  ASSIGNMENT_COMPLETED: 'assignmentsCompleted',
  PREMIUM_CONVERSION: 'premiumConversions',
} as const satisfies Record<string, keyof AnalyticsBucket>;
export type AnalyticsEventType = keyof typeof ANALYTICS_EVENTS;

export interface Analytics {
  from: Date;
  to: Date;
  granularity: Granularity;
  buckets: AnalyticsBucket[];
  /** Distinct accounts active at any time in [from, to). */
  activeUsers: number;
  /** The business events of the range, every type together. */
  totalEvents: number;
  /** The business events of the range per type, in ANALYTICS_EVENTS' order. */
  eventsByType: { type: AnalyticsEventType; count: number }[];
}

const DAY_MS = 86_400_000;
/** The longest range per granularity: ~a year of days, ~five years of weeks. */
const MAX_BUCKETS: Record<Granularity, number> = { DAY: 400, WEEK: 270 };

function bucketStart(date: Date, granularity: Granularity): Date {
  const day = Math.floor(date.getTime() / DAY_MS) * DAY_MS;
  if (granularity === 'DAY') return new Date(day);
  // 1970-01-01 was a Thursday: Monday-based weeks are offset by 3 days.
  const monday = day - ((new Date(day).getUTCDay() + 6) % 7) * DAY_MS;
  return new Date(monday);
}

interface Row {
  start: Date;
  sign_ups: number;
  active: number;
  assignments: number;
  lectures: number;
  sessions: number;
  completed: number;
  conversions: number;
  range_active: number;
}

/**
 * Admin only: business figures per day or week, in ONE statement. Finished days come from the
 * AnalyticsDay rollup (one row per day, by its primary key; src/jobs/rollup-analytics.ts); the
 * days after the last rolled-up one (today, or all of them before the job's first run) are
 * computed from the base tables (`dailyFiguresSql`: index-only range scans). Weekly active users
 * and the range's distinct active users are counted from UserActivityDay (its primary key).
 */
export async function getAnalytics(ctx: DomainContext, input: GetAnalyticsInput): Promise<Analytics> {
  requireAdmin(ctx);
  const { granularity } = input;
  checkDate(input.from, 'from');
  checkDate(input.to, 'to');
  if (input.to <= input.from) throw new ValidationError('to must be after from.', 'to');
  const step = granularity === 'DAY' ? DAY_MS : 7 * DAY_MS;
  const from = bucketStart(input.from, granularity);
  const lastStart = bucketStart(new Date(input.to.getTime() - 1), granularity);
  const to = new Date(lastStart.getTime() + step);
  const buckets = (to.getTime() - from.getTime()) / step;
  if (buckets > MAX_BUCKETS[granularity]) {
    throw new ValidationError(`At most ${MAX_BUCKETS[granularity]} buckets of ${granularity}; narrow from/to.`, 'to');
  }
  const unit = granularity === 'DAY' ? 'day' : 'week';
  const interval = granularity === 'DAY' ? '1 day' : '1 week';
  const f = Prisma.sql`${from}::timestamp`;
  const t = Prisma.sql`${to}::timestamp`;
  // The first day not rolled up (within the range).
  const live = Prisma.sql`(SELECT at FROM lf)`;
  const rows = await ctx.db.$queryRaw<Row[]>`
    WITH lf AS (
        SELECT greatest(${f}, coalesce((SELECT max("day") + 1 FROM "AnalyticsDay")::timestamp, ${f})) AS at),
      days AS (
        SELECT "day"::timestamp AS d, "signUps" AS sign_ups, "activeUsers" AS active,
          "assignmentsCreated" AS assignments, "lecturesCreated" AS lectures, "studySessionsCreated" AS sessions,
          "assignmentsCompleted" AS completed, "premiumConversions" AS conversions
        FROM "AnalyticsDay" WHERE "day" >= ${f} AND "day" < ${t} AND "day" < ${live}
        UNION ALL
        SELECT ${Prisma.raw(DAILY_COLUMNS)} FROM (${dailyFiguresSql(Prisma.sql`least(${live}, ${t})`, t)}) today),
      agg AS (
        SELECT date_trunc(${unit}, d) AS start, sum(sign_ups)::int AS sign_ups, sum(active)::int AS active,
          sum(assignments)::int AS assignments, sum(lectures)::int AS lectures, sum(sessions)::int AS sessions,
          sum(completed)::int AS completed, sum(conversions)::int AS conversions
        FROM days GROUP BY 1),
      wau AS (
        SELECT date_trunc('week', "day"::timestamp) AS start, count(DISTINCT "userId")::int AS n
        FROM "UserActivityDay" WHERE ${unit} = 'week' AND "day" >= ${f} AND "day" < ${t} GROUP BY 1)
    SELECT b.start,
      coalesce(agg.sign_ups, 0) AS sign_ups,
      CASE WHEN ${unit} = 'week' THEN coalesce(wau.n, 0) ELSE coalesce(agg.active, 0) END AS active,
      coalesce(agg.assignments, 0) AS assignments, coalesce(agg.lectures, 0) AS lectures,
      coalesce(agg.sessions, 0) AS sessions, coalesce(agg.completed, 0) AS completed,
      coalesce(agg.conversions, 0) AS conversions,
      (SELECT count(DISTINCT "userId")::int FROM "UserActivityDay" WHERE "day" >= ${f} AND "day" < ${t}) AS range_active
    FROM generate_series(${f}, ${t} - interval '1 second', ${interval}::interval) AS b(start)
      LEFT JOIN agg ON agg.start = b.start LEFT JOIN wau ON wau.start = b.start
    ORDER BY b.start`;
  const result = {
    from,
    to,
    granularity,
    activeUsers: rows[0]?.range_active ?? 0,
    buckets: rows.map((r) => ({
      start: r.start,
      signUps: r.sign_ups,
      activeUsers: r.active,
      assignmentsCreated: r.assignments,
      lecturesCreated: r.lectures,
      studySessionsCreated: r.sessions,
      assignmentsCompleted: r.completed,
      premiumConversions: r.conversions,
    })),
  };
  const eventsByType = (Object.keys(ANALYTICS_EVENTS) as AnalyticsEventType[]).map((type) => ({
    type,
    count: result.buckets.reduce((sum, b) => sum + b[ANALYTICS_EVENTS[type]], 0),
  }));
  return { ...result, eventsByType, totalEvents: eventsByType.reduce((sum, e) => sum + e.count, 0) };
}

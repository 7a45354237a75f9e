import { ValidationError } from '../../errors.js';
import { Prisma } from '../../generated/prisma/client.js';
import { requireAdmin } from '../access.js';
import type { DomainContext } from '../context.js';
import { checkDate } from '../shared.js';

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

export interface Analytics {
  from: Date;
  to: Date;
  granularity: Granularity;
  buckets: AnalyticsBucket[];
  /** Distinct accounts active at any time in [from, to). */
  activeUsers: number;
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
 * Admin only: business figures per day or week, in ONE statement: each figure is a range scan
 * of a createdAt-like index (User_created_idx, Assignment_created_idx, Lecture_created_idx,
 * StudySession_created_idx, Assignment_completed_idx, WebhookEvent_purchase_idx, the primary key
 * of UserActivityDay) grouped by bucket, joined onto the series of buckets. Counts include rows
 * deleted since (a sign-up stays a sign-up), until the purge removes them.
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
  const per = (column: string, table: string, extra = Prisma.empty, count = Prisma.sql`count(*)`) => Prisma.sql`
    SELECT date_trunc(${unit}, ${Prisma.raw(column)}) AS start, ${count}::int AS n
    FROM ${Prisma.raw(`"${table}"`)}
    WHERE ${Prisma.raw(column)} >= ${f} AND ${Prisma.raw(column)} < ${t} ${extra}
    GROUP BY 1`;
  const rows = await ctx.db.$queryRaw<Row[]>`
    WITH b AS (SELECT generate_series(${f}, ${t} - interval '1 second', ${interval}::interval) AS start),
      s AS (${per('"createdAt"', 'User')}),
      a AS (
        SELECT date_trunc(${unit}, "day"::timestamp) AS start, count(DISTINCT "userId")::int AS n
        FROM "UserActivityDay" WHERE "day" >= ${f}::date AND "day" < ${t}::date GROUP BY 1),
      ca AS (${per('"createdAt"', 'Assignment')}),
      cl AS (${per('"createdAt"', 'Lecture')}),
      cs AS (${per('"createdAt"', 'StudySession')}),
      co AS (${per('"completedAt"', 'Assignment')}),
      pc AS (${per(
        '"eventAt"',
        'WebhookEvent',
        Prisma.sql`AND type = 'INITIAL_PURCHASE' AND outcome = 'APPLIED'`,
        Prisma.sql`count(DISTINCT "userId")`,
      )})
    SELECT b.start,
      coalesce(s.n, 0) AS sign_ups, coalesce(a.n, 0) AS active,
      coalesce(ca.n, 0) AS assignments, coalesce(cl.n, 0) AS lectures, coalesce(cs.n, 0) AS sessions,
      coalesce(co.n, 0) AS completed, coalesce(pc.n, 0) AS conversions,
      (SELECT count(DISTINCT "userId")::int FROM "UserActivityDay" WHERE "day" >= ${f}::date AND "day" < ${t}::date) AS range_active
    FROM b
      LEFT JOIN s ON s.start = b.start LEFT JOIN a ON a.start = b.start
      LEFT JOIN ca ON ca.start = b.start LEFT JOIN cl ON cl.start = b.start LEFT JOIN cs ON cs.start = b.start
      LEFT JOIN co ON co.start = b.start LEFT JOIN pc ON pc.start = b.start
    ORDER BY b.start`;
  return {
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
}

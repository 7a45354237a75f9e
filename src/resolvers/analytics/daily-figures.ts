import { Prisma } from '../../generated/prisma/client.js';

/** The columns `dailyFiguresSql` yields, per UTC day. */
export const DAILY_COLUMNS = 'd, sign_ups, active, assignments, lectures, sessions, completed, conversions';

/**
 * A SELECT of the analytics figures of each UTC day in [lo, hi) (both timestamp expressions at
 * midnight), straight from the base tables: each figure is a range scan of the index on its
 * time column (User_created_idx, Assignment_created_idx, Lecture_created_idx,
 * StudySession_created_idx, Assignment_completed_idx, WebhookEvent_purchase_idx, the primary key
 * of UserActivityDay), index-only, grouped by day. Rows deleted since still count (a sign-up
 * stays a sign-up) until the purge removes them. Used by analytics for the days not rolled up
 * yet, and by the rollup job to roll them up.
 */
export function dailyFiguresSql(lo: Prisma.Sql, hi: Prisma.Sql): Prisma.Sql {
  const per = (table: string, column: string, extra = Prisma.empty, count = Prisma.sql`count(*)`) => Prisma.sql`
    LEFT JOIN (
      SELECT date_trunc('day', ${Prisma.raw(column)}::timestamp) AS d, ${count}::int AS n
      FROM ${Prisma.raw(`"${table}"`)}
      WHERE ${Prisma.raw(column)} >= ${lo} AND ${Prisma.raw(column)} < ${hi} ${extra}
      GROUP BY 1) ${Prisma.raw(`"${table}_${column.replaceAll('"', '')}"`)}
    ON ${Prisma.raw(`"${table}_${column.replaceAll('"', '')}"`)}.d = g.d`;
  const n = (table: string, column: string) => Prisma.raw(`coalesce("${table}_${column}".n, 0)`);
  return Prisma.sql`
    SELECT g.d,
      ${n('User', 'createdAt')} AS sign_ups, ${n('UserActivityDay', 'day')} AS active,
      ${n('Assignment', 'createdAt')} AS assignments, ${n('Lecture', 'createdAt')} AS lectures,
      ${n('StudySession', 'createdAt')} AS sessions, ${n('Assignment', 'completedAt')} AS completed,
      ${n('WebhookEvent', 'eventAt')} AS conversions
    FROM generate_series(${lo}, ${hi} - interval '1 day', interval '1 day') AS g(d)
    ${per('User', '"createdAt"')}
    ${per('UserActivityDay', '"day"', Prisma.empty, Prisma.sql`count(DISTINCT "userId")`)}
    ${per('Assignment', '"createdAt"')}
    ${per('Lecture', '"createdAt"')}
    ${per('StudySession', '"createdAt"')}
    ${per('Assignment', '"completedAt"')}
    ${per('WebhookEvent', '"eventAt"', Prisma.sql`AND type = 'INITIAL_PURCHASE' AND outcome = 'APPLIED'`, Prisma.sql`count(DISTINCT "userId")`)}`;
}

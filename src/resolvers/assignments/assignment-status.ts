import type { Prisma } from '../../generated/prisma/client.js';
import type { RowSql } from '../../db/sql.js';

/** Where an assignment stands: done, or not yet and either still ahead or past its due time. */
export type AssignmentStatus = 'UPCOMING' | 'OVERDUE' | 'COMPLETED';

/** The status of an assignment at `now`; the same rule as the `status` filter of listAssignments. */
export function assignmentStatus(assignment: { completedAt: Date | null; dueAt: Date }, now: Date): AssignmentStatus {
  if (assignment.completedAt) return 'COMPLETED';
  return assignment.dueAt < now ? 'OVERDUE' : 'UPCOMING';
}

/** The rule as a Prisma condition: the assignments that have `status` at `now` (listAssignments' filter). */
export function statusWhere(status: AssignmentStatus, now: Date): Prisma.AssignmentWhereInput {
  if (status === 'COMPLETED') return { completedAt: { not: null } };
  if (status === 'UPCOMING') return { completedAt: null, dueAt: { gte: now } };
  return { completedAt: null, dueAt: { lt: now } };
}

/**
 * The same rule in SQL over row `r` at `now` (the planned path, docs/planned-execution.md): the
 * condition for each status, which the `status` filter of listAssignments applies too.
 */
export const statusConditionSql = (r: string, now: string, status: string): string => {
  const conditions: Record<AssignmentStatus, string> = {
    COMPLETED: `${r}."completedAt" IS NOT NULL`,
    UPCOMING: `${r}."completedAt" IS NULL AND ${r}."dueAt" >= ${now}`,
    OVERDUE: `${r}."completedAt" IS NULL AND ${r}."dueAt" < ${now}`,
  };
  const condition = conditions[status as AssignmentStatus];
  if (!condition) throw new Error(`not an assignment status: ${status}`);
  return condition;
};

/** `assignmentStatus` in SQL: the status of row `r` at `now`. */
export const assignmentStatusSql: RowSql = (r, now) =>
  `CASE WHEN ${statusConditionSql(r, now, 'COMPLETED')} THEN 'COMPLETED' WHEN ${statusConditionSql(r, now, 'OVERDUE')} THEN 'OVERDUE' ELSE 'UPCOMING' END`;

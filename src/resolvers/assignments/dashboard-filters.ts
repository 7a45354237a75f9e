import { ValidationError } from '../../errors.js';
import type { FieldSqlForm } from '../../db/sql.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { statusConditionSql, statusWhere } from './assignment-status.js';

export const UPCOMING_MAX = 50;

/** Open assignments due from now on, soonest first: the home screen's list. */
export function upcomingAssignmentsQuery(now: Date, first: number) {
  if (!Number.isInteger(first) || first < 1 || first > UPCOMING_MAX) {
    throw new ValidationError(`first must be between 1 and ${UPCOMING_MAX}.`, 'first');
  }
  return {
    where: statusWhere('UPCOMING', now),
    orderBy: [{ dueAt: 'asc' as const }, { id: 'asc' as const }],
    take: first,
  };
}

/** Open assignments whose due time has passed. */
export function overdueWhere(now: Date): Prisma.AssignmentWhereInput {
  return statusWhere('OVERDUE', now);
}

/** The same two rules on the planned path (docs/planned-execution.md): a user row's assignments. */
export const upcomingAssignmentsSqlForm: FieldSqlForm = {
  kind: 'list',
  relation: 'assignments',
  where: (r, now) => statusConditionSql(r, now, 'UPCOMING'),
  usesNow: true,
  orderBy: ['dueAt', 'id'],
  maxFirst: UPCOMING_MAX,
};

export const overdueCountSqlForm: FieldSqlForm = {
  kind: 'count',
  relation: 'assignments',
  where: (r, now) => statusConditionSql(r, now, 'OVERDUE'),
  usesNow: true,
};

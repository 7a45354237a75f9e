import { ValidationError } from '../../errors.js';
import type { Prisma } from '../../generated/prisma/client.js';

export const UPCOMING_MAX = 50;

/** Open assignments due from now on, soonest first: the home screen's list. */
export function upcomingAssignmentsQuery(now: Date, first: number) {
  if (!Number.isInteger(first) || first < 1 || first > UPCOMING_MAX) {
    throw new ValidationError(`first must be between 1 and ${UPCOMING_MAX}.`, 'first');
  }
  return {
    where: { completedAt: null, dueAt: { gte: now } },
    orderBy: [{ dueAt: 'asc' as const }, { id: 'asc' as const }],
    take: first,
  };
}

/** Open assignments whose due time has passed. */
export function overdueWhere(now: Date): Prisma.AssignmentWhereInput {
  return { completedAt: null, dueAt: { lt: now } };
}

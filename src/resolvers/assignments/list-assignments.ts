import { NotFoundError, ValidationError } from '../../errors.js';
import type { Assignment, Prisma } from '../../generated/prisma/client.js';
import { accessWhere, ownRows } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import type { PageQuery } from '../page.js';
import { checkDate } from '../shared.js';
import { orderByColumns, type RootSqlForm } from '../../db/sql.js';
import { statusConditionSql, statusWhere, type AssignmentStatus } from './assignment-status.js';

export interface AssignmentFilter {
  /** Only this course's assignments; it must be the viewer's own live course (else NOT_FOUND). */
  courseId?: string | null;
  /** Status at ctx.now(), as `assignmentStatus` computes it. */
  status?: AssignmentStatus | null;
  /** Due at or after this instant. */
  dueAfter?: Date | null;
  /** Due before this instant. */
  dueBefore?: Date | null;
}

/** The order `assignments` pages in: by due date, then id (a stable cursor order). */
const BY_DUE_DATE: Prisma.AssignmentOrderByWithRelationInput[] = [{ dueAt: 'asc' }, { id: 'asc' }];

/**
 * `assignments` on the planned path: the viewer's own live rows in BY_DUE_DATE order; of the
 * filter, `status` (assignment-status.ts' rule). Other filter fields run on the generic path.
 */
export const assignmentsSqlForm: RootSqlForm = {
  kind: 'ownConnection',
  orderBy: orderByColumns(BY_DUE_DATE)!,
  filters: { status: statusConditionSql },
};

/** The viewer's own live assignments matching `filter`; checks the filter first. */
async function assignmentsWhere(ctx: DomainContext, filter: AssignmentFilter): Promise<Prisma.AssignmentWhereInput> {
  const own = ownRows(ctx);
  const { courseId, status, dueAfter, dueBefore } = filter;
  if (dueAfter) checkDate(dueAfter, 'dueAfter');
  if (dueBefore) checkDate(dueBefore, 'dueBefore');
  if (dueAfter && dueBefore && dueBefore <= dueAfter) {
    throw new ValidationError('dueBefore must be after dueAfter.', 'dueBefore');
  }
  if (courseId) {
    const course = await ctx.db.course.findFirst({
      where: accessWhere(ctx, 'Course', courseId, 'own'),
      select: { id: true },
    });
    if (!course) throw new NotFoundError('Course');
  }
  const now = ctx.now();
  const and: Prisma.AssignmentWhereInput[] = [];
  if (dueAfter) and.push({ dueAt: { gte: dueAfter } });
  if (dueBefore) and.push({ dueAt: { lt: dueBefore } });
  if (status) and.push(statusWhere(status, now));
  return { ...own, ...(courseId ? { courseId } : {}), ...(and.length ? { AND: and } : {}) };
}

/** A page of the viewer's assignments by due date, then id. `query` carries paging and relations. */
export async function listAssignments(
  ctx: DomainContext,
  filter: AssignmentFilter,
  query?: PageQuery<Prisma.AssignmentFindManyArgs>,
): Promise<Assignment[]> {
  const where = await assignmentsWhere(ctx, filter);
  return ctx.db.assignment.findMany({ ...query, where, orderBy: BY_DUE_DATE });
}

/**
 * A page of `listAssignments` and how many it pages through, in one statement: the page and the
 * count are a relation load and a relation count of the viewer's user row.
 */
export async function listAssignmentsWithCount(
  ctx: DomainContext,
  filter: AssignmentFilter,
  query?: PageQuery<Prisma.AssignmentFindManyArgs>,
): Promise<{ items: Assignment[]; count: number }> {
  const where = await assignmentsWhere(ctx, filter);
  const user = await ctx.db.user.findUnique({
    where: { id: ownRows(ctx).userId },
    select: {
      assignments: { ...query, where, orderBy: BY_DUE_DATE },
      _count: { select: { assignments: { where } } },
    },
  });
  if (!user) return { items: [], count: 0 };
  return { items: user.assignments as Assignment[], count: user._count.assignments };
}

/** How many assignments `listAssignments` pages through. */
export async function countAssignments(ctx: DomainContext, filter: AssignmentFilter): Promise<number> {
  return ctx.db.assignment.count({ where: await assignmentsWhere(ctx, filter) });
}

import { NotFoundError, ValidationError } from '../../errors.js';
import type { Assignment, Prisma, Priority } from '../../generated/prisma/client.js';
import { accessWhere, ownRows } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import type { PageQuery } from '../page.js';
import { checkDate } from '../shared.js';
import { orderByColumns, type RootSqlForm } from '../../db/sql.js';
import { statusConditionSql, statusWhere, type AssignmentStatus } from './assignment-status.js';
import { checkSearch, orderByOf, searchWhere, type ListOrder } from '../find-and-sort.js';

export interface AssignmentFilter {
  /** Only this course's assignments; it must be the viewer's own live course (else NOT_FOUND). */
  courseId?: string | null;
  /** Status at ctx.now(), as `assignmentStatus` computes it. */
  status?: AssignmentStatus | null;
  /** Due at or after this instant. */
  dueAfter?: Date | null;
  /** Due before this instant. */
  dueBefore?: Date | null;
  /** Title or description contains this text, case-insensitively (see find-and-sort.ts). */
  search?: string | null;
  /** Only assignments of this priority. */
  priority?: Priority | null;
}

/** The columns `assignments` may be ordered by. */
export const ASSIGNMENT_ORDER_FIELDS = ['dueAt', 'priority', 'title', 'createdAt'] as const;
export type AssignmentOrderField = (typeof ASSIGNMENT_ORDER_FIELDS)[number];

/** A list of assignments: the filter and the order (by due date when left out). */
export interface ListAssignmentsInput extends AssignmentFilter {
  orderBy?: ListOrder<AssignmentOrderField> | null;
}

/** The order `assignments` pages in without an orderBy: by due date, then id (a stable cursor order). */
const BY_DUE_DATE = orderByOf<AssignmentOrderField>(null, 'dueAt');

/**
 * `assignments` on the planned path: the viewer's own live rows in BY_DUE_DATE order, or an
 * `orderBy` literal's (orderByOf's rule: the column, then id, one direction); of the filter,
 * `status` (assignment-status.ts' rule) and `priority`. Other filter fields (search among them)
 * run on the generic path (docs/find-and-sort.md says why).
 */
export const assignmentsSqlForm: RootSqlForm = {
  kind: 'ownConnection',
  orderBy: orderByColumns(BY_DUE_DATE)!,
  filters: { status: statusConditionSql },
  // assignmentsWhere's `{ priority }`.
  columns: { priority: 'priority' },
  orders: ASSIGNMENT_ORDER_FIELDS,
};

/** The viewer's own live assignments matching `filter`; checks the filter first. */
async function assignmentsWhere(ctx: DomainContext, filter: AssignmentFilter): Promise<Prisma.AssignmentWhereInput> {
  const own = ownRows(ctx);
  const { courseId, status, dueAfter, dueBefore, priority } = filter;
  const search = checkSearch(filter.search);
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
  if (search !== null) and.push(searchWhere('Assignment', search));
  return {
    ...own,
    ...(courseId ? { courseId } : {}),
    ...(priority ? { priority } : {}),
    ...(and.length ? { AND: and } : {}),
  };
}

/**
 * A page of the viewer's assignments in `orderBy` (by due date when left out), ties by id in the
 * same direction. `query` carries paging and relations.
 */
export async function listAssignments(
  ctx: DomainContext,
  input: ListAssignmentsInput,
  query?: PageQuery<Prisma.AssignmentFindManyArgs>,
): Promise<Assignment[]> {
  const where = await assignmentsWhere(ctx, input);
  return ctx.db.assignment.findMany({ ...query, where, orderBy: orderByOf(input.orderBy, 'dueAt') });
}

/**
 * A page of `listAssignments` and how many it pages through, in one statement: the page and the
 * count are a relation load and a relation count of the viewer's user row.
 */
export async function listAssignmentsWithCount(
  ctx: DomainContext,
  input: ListAssignmentsInput,
  query?: PageQuery<Prisma.AssignmentFindManyArgs>,
): Promise<{ items: Assignment[]; count: number }> {
  const where = await assignmentsWhere(ctx, input);
  const user = await ctx.db.user.findUnique({
    where: { id: ownRows(ctx).userId },
    select: {
      assignments: { ...query, where, orderBy: orderByOf(input.orderBy, 'dueAt') },
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

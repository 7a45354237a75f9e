import type { Course, Prisma } from '../../generated/prisma/client.js';
import { ownRows } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import type { PageQuery } from '../page.js';
import { orderByColumns, type RootSqlForm } from '../../db/sql.js';
import { isArchivedSql } from './course-fields.js';

/** Courses by name, then id. */
const BY_NAME: Prisma.CourseOrderByWithRelationInput[] = [{ name: 'asc' }, { id: 'asc' }];

export interface CourseFilter {
  /** true: only archived courses; false: only active ones; left out: both. */
  archived?: boolean | null;
  /** Exact term label (surrounding spaces ignored). */
  term?: string | null;
}

/** `courses` on the planned path (src/planner): the same order; `archived` by isArchivedSql. */
export const coursesSqlForm: RootSqlForm = {
  kind: 'ownConnection',
  orderBy: orderByColumns(BY_NAME)!,
  filters: {},
  flags: { archived: isArchivedSql },
};

/** The viewer's own live courses matching `filter`. */
function coursesWhere(ctx: DomainContext, filter: CourseFilter): Prisma.CourseWhereInput {
  const term = filter.term?.trim();
  return {
    ...ownRows(ctx),
    ...(filter.archived == null ? {} : { archivedAt: filter.archived ? { not: null } : null }),
    ...(term ? { term } : {}),
  };
}

/** A page of the viewer's courses by name, then id. `query` carries the connection's paging and relations. */
export function listCourses(
  ctx: DomainContext,
  filter: CourseFilter,
  query?: PageQuery<Prisma.CourseFindManyArgs>,
): Promise<Course[]> {
  return ctx.db.course.findMany({
    ...query,
    where: coursesWhere(ctx, filter),
    orderBy: BY_NAME,
  });
}

/** How many courses `listCourses` pages through. */
export function countCourses(ctx: DomainContext, filter: CourseFilter): Promise<number> {
  return ctx.db.course.count({ where: coursesWhere(ctx, filter) });
}

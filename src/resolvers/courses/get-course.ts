import { NotFoundError } from '../../errors.js';
import type { Course, Prisma } from '../../generated/prisma/client.js';
import { accessWhere } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';

/**
 * One live course: the viewer's own, or anyone's for an admin. Any other id is NOT_FOUND.
 * `query` is the Prisma include/select the GraphQL layer wants merged into the same query.
 */
export async function getCourse(
  ctx: DomainContext,
  input: { id: string },
  query?: Selection<Prisma.CourseFindUniqueArgs>,
): Promise<Course> {
  const course = await ctx.db.course.findFirst({ ...query, where: accessWhere(ctx, 'Course', input.id, 'read') });
  if (!course) throw new NotFoundError('Course');
  return course;
}

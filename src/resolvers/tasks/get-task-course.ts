import type { Course, Prisma } from '../../generated/prisma/client.js';
import { accessWhere } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { NotFoundError } from '../../errors.js';

export interface GetTaskCourseInput {
  /** The task's courseId. */
  courseId: string;
}

/**
 * The course of a task the viewer has read (their own, or anyone's for an admin); NOT_FOUND
 * otherwise. findUnique calls made in the same tick are batched into one query by Prisma.
 */
export async function getTaskCourse(
  ctx: DomainContext,
  input: GetTaskCourseInput,
  query?: Selection<Prisma.CourseFindUniqueArgs>,
): Promise<Course> {
  const course = await ctx.db.course.findUnique({
    ...query,
    where: accessWhere(ctx, 'Course', input.courseId, 'read'),
  });
  if (!course) throw new NotFoundError('Course');
  return course;
}

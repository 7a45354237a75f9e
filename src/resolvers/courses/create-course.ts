import { recordEvent } from '../../events/outbox.js';
import type { Course, Prisma } from '../../generated/prisma/client.js';
import { requireViewer } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { inTransaction } from '../shared.js';
import { checkDetails, checkName, type CourseDetails } from './course-fields.js';

export interface CreateCourseInput extends CourseDetails {
  name: string;
}

/** Creates a course for the viewer, with its `course.created` event. `query` is merged into the insert. */
export async function createCourse(
  ctx: DomainContext,
  input: CreateCourseInput,
  query?: Selection<Prisma.CourseFindUniqueArgs>,
): Promise<Course> {
  const viewer = requireViewer(ctx);
  const data = { name: checkName(input.name), ...checkDetails(input), userId: viewer.id };
  return inTransaction(ctx, async (tx) => {
    const course = await tx.course.create({ ...query, data });
    await recordEvent(tx, {
      type: 'course.created',
      payload: { userId: viewer.id, courseId: course.id },
      userId: viewer.id,
      aggregateId: course.id,
    });
    return course;
  });
}

import { ValidationError } from '../../errors.js';
import { recordEvent } from '../../events/outbox.js';
import type { Course, Prisma } from '../../generated/prisma/client.js';
import { lockOwned, requireViewer } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { inTransaction } from '../shared.js';
import { checkDetails, checkName, type CourseDetails } from './course-fields.js';

export interface UpdateCourseInput extends CourseDetails {
  /** The course to change. */
  id: string;
  name?: string | null;
  /** true archives (keeping the first archivedAt), false unarchives. */
  archived?: boolean | null;
}

/** Changes the viewer's own course; fields left out stay as they are. Records `course.updated`. */
export async function updateCourse(
  ctx: DomainContext,
  input: UpdateCourseInput,
  query?: Selection<Prisma.CourseFindUniqueArgs>,
): Promise<Course> {
  const viewer = requireViewer(ctx);
  const { id } = input;
  for (const field of ['name', 'archived'] as const) {
    if (input[field] === null) throw new ValidationError(`${field} cannot be null; leave it out to keep it.`, field);
  }
  const data: CourseDetails & { name?: string } = checkDetails(input);
  if (input.name != null) data.name = checkName(input.name);
  if (Object.keys(data).length === 0 && input.archived == null) {
    throw new ValidationError('Give at least one field to change.');
  }

  return inTransaction(ctx, async (tx) => {
    await lockOwned(tx, ctx, 'Course', id);
    let archivedAt: Date | null | undefined;
    if (input.archived === false) archivedAt = null;
    if (input.archived === true) {
      const stored = await tx.course.findUniqueOrThrow({ where: { id }, select: { archivedAt: true } });
      archivedAt = stored.archivedAt ?? ctx.now();
    }
    const course = await tx.course.update({ ...query, where: { id }, data: { ...data, archivedAt } });
    await recordEvent(tx, {
      type: 'course.updated',
      payload: { userId: viewer.id, courseId: id },
      userId: viewer.id,
      aggregateId: id,
    });
    return course;
  });
}

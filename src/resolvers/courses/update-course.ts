import type { DomainContext } from '../context.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { recordEvent } from '../../events/outbox.js';
import type { Course } from '../../generated/prisma/client.js';
import { findOwnedCourse } from '../ownership.js';
import { inTransaction } from '../shared.js';
import { checkDetails, checkName, type CourseDetails } from './course-fields.js';

export interface UpdateCourseInput extends CourseDetails {
  name?: string | null;
  /** true archives (keeping the first archivedAt), false unarchives. */
  archived?: boolean | null;
}

/** Changes the viewer's own course; fields left out stay as they are. Records `course.updated`. */
export async function updateCourse(
  ctx: DomainContext,
  id: string,
  input: UpdateCourseInput,
  query: object = {},
): Promise<Course> {
  for (const field of ['name', 'archived'] as const) {
    if (input[field] === null) throw new ValidationError(`${field} cannot be null; leave it out to keep it.`, field);
  }
  const data: CourseDetails & { name?: string } = checkDetails(input);
  if (input.name != null) data.name = checkName(input.name);
  if (Object.keys(data).length === 0 && input.archived == null) {
    throw new ValidationError('Give at least one field to change.');
  }

  return inTransaction(ctx, async (tx) => {
    const course = await findOwnedCourse(ctx, tx, id, 'own');
    const archivedAt = input.archived == null ? undefined : input.archived ? (course.archivedAt ?? ctx.now()) : null;
    const { count } = await tx.course.updateMany({ where: { id, deletedAt: null }, data: { ...data, archivedAt } });
    if (count === 0) throw new NotFoundError('Course'); // deleted since it was read
    await recordEvent(tx, {
      type: 'course.updated',
      payload: { userId: course.userId, courseId: id },
      userId: course.userId,
      aggregateId: id,
    });
    return tx.course.findUniqueOrThrow({ ...query, where: { id } });
  });
}

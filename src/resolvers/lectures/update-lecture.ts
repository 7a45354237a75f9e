import type { DomainContext } from '../context.js';
import { ValidationError } from '../../errors.js';
import { recordTaskEvent } from '../../events/outbox.js';
import type { Lecture, Prisma } from '../../generated/prisma/client.js';
import { loadOwnedCourse, loadOwnedLecture } from '../ownership.js';
import { inTransaction, optionalText, requireViewer, requiredText } from '../shared.js';
import { LOCATION_MAX, TITLE_MAX, notNull, updatedSpan } from './schedule.js';

export interface UpdateLectureInput {
  id: string;
  /** Moves the lecture to another of the viewer's live courses. */
  courseId?: string | null;
  title?: string | null;
  startsAt?: Date | null;
  endsAt?: Date | null;
  /** null or empty clears it. */
  location?: string | null;
}

/**
 * Changes one of the viewer's lectures; fields left out keep their value. A new start or end is
 * checked against the stored other end. Records `lecture.updated`.
 */
export async function updateLecture(
  ctx: DomainContext,
  input: UpdateLectureInput,
  query: object = {},
): Promise<Lecture> {
  const viewer = requireViewer(ctx);
  const { id, courseId, title, startsAt, endsAt, location } = input;
  if ([courseId, title, startsAt, endsAt, location].every((v) => v === undefined)) {
    throw new ValidationError('Give at least one field to change.');
  }
  const data: Prisma.LectureUncheckedUpdateInput = {};
  const newTitle = notNull(title, 'title');
  if (newTitle !== undefined) data.title = requiredText(newTitle, 'title', TITLE_MAX);
  if (location !== undefined) data.location = optionalText(location, 'location', LOCATION_MAX);
  const newCourseId = notNull(courseId, 'courseId');

  return inTransaction(ctx, async (tx) => {
    const stored = await loadOwnedLecture(tx, viewer.id, id);
    Object.assign(data, updatedSpan(stored, { startsAt, endsAt }));
    if (newCourseId !== undefined && newCourseId !== stored.courseId) {
      data.courseId = (await loadOwnedCourse(tx, viewer.id, newCourseId)).id;
    }
    const lecture = await tx.lecture.update({ ...query, where: { id: stored.id }, data });
    await recordTaskEvent(tx, 'lecture.updated', { id: lecture.id, userId: viewer.id, courseId: lecture.courseId });
    return lecture;
  });
}

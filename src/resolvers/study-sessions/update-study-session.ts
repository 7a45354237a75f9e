import type { DomainContext } from '../context.js';
import { ValidationError } from '../../errors.js';
import { recordTaskEvent } from '../../events/outbox.js';
import type { Prisma, StudySession } from '../../generated/prisma/client.js';
import { NOTES_MAX, TITLE_MAX, notNull, updatedSpan } from '../lectures/schedule.js';
import { loadOwnedCourse, loadOwnedStudySession } from '../ownership.js';
import { inTransaction, optionalText, requireViewer, requiredText } from '../shared.js';
import { linkAssignment } from './link-assignment.js';

export interface UpdateStudySessionInput {
  id: string;
  /** Moves the session to another of the viewer's live courses. */
  courseId?: string | null;
  /** Another assignment of the (new) course; null unlinks it. */
  assignmentId?: string | null;
  title?: string | null;
  startsAt?: Date | null;
  endsAt?: Date | null;
  /** null or empty clears them. */
  notes?: string | null;
}

/**
 * Changes one of the viewer's study sessions; fields left out keep their value. A new start or
 * end is checked against the stored other end; a session moved to another course keeps its
 * assignment only if that assignment is in the new course. Records `studySession.updated`.
 */
export async function updateStudySession(
  ctx: DomainContext,
  input: UpdateStudySessionInput,
  query: object = {},
): Promise<StudySession> {
  const viewer = requireViewer(ctx);
  const { id, courseId, assignmentId, title, startsAt, endsAt, notes } = input;
  if ([courseId, assignmentId, title, startsAt, endsAt, notes].every((v) => v === undefined)) {
    throw new ValidationError('Give at least one field to change.');
  }
  const data: Prisma.StudySessionUncheckedUpdateInput = {};
  const newTitle = notNull(title, 'title');
  if (newTitle !== undefined) data.title = requiredText(newTitle, 'title', TITLE_MAX);
  if (notes !== undefined) data.notes = optionalText(notes, 'notes', NOTES_MAX);
  const newCourseId = notNull(courseId, 'courseId');

  return inTransaction(ctx, async (tx) => {
    const stored = await loadOwnedStudySession(tx, viewer.id, id);
    Object.assign(data, updatedSpan(stored, { startsAt, endsAt }));
    const moved = newCourseId !== undefined && newCourseId !== stored.courseId;
    const course = moved ? await loadOwnedCourse(tx, viewer.id, newCourseId) : { id: stored.courseId };
    if (moved) data.courseId = course.id;
    const linked = assignmentId === undefined ? stored.assignmentId : assignmentId;
    if (assignmentId !== undefined || moved) {
      data.assignmentId = linked ? await linkAssignment(tx, viewer.id, linked, course.id) : null;
    }
    const session = await tx.studySession.update({ ...query, where: { id: stored.id }, data });
    await recordTaskEvent(tx, 'studySession.updated', {
      id: session.id,
      userId: viewer.id,
      courseId: session.courseId,
    });
    return session;
  });
}

import type { DomainContext } from '../context.js';
import { recordTaskEvent } from '../../events/outbox.js';
import type { StudySession } from '../../generated/prisma/client.js';
import { NOTES_MAX, TITLE_MAX, checkSpan } from '../lectures/schedule.js';
import { loadOwnedCourse } from '../ownership.js';
import { inTransaction, optionalText, requireViewer, requiredText } from '../shared.js';
import { linkAssignment } from './link-assignment.js';

export interface CreateStudySessionInput {
  /** One of the viewer's live courses (a raw uuid). */
  courseId: string;
  /** One of the viewer's live assignments in that course, or none. */
  assignmentId?: string | null;
  title: string;
  startsAt: Date;
  endsAt: Date;
  notes?: string | null;
}

/**
 * Plans a study session in one of the viewer's courses, optionally for one of its assignments,
 * and records `studySession.created`. `query` is a Prisma include/select to merge into the result.
 */
export async function createStudySession(
  ctx: DomainContext,
  input: CreateStudySessionInput,
  query: object = {},
): Promise<StudySession> {
  const viewer = requireViewer(ctx);
  const title = requiredText(input.title, 'title', TITLE_MAX);
  const notes = optionalText(input.notes, 'notes', NOTES_MAX) ?? null;
  const { startsAt, endsAt } = checkSpan({ startsAt: input.startsAt, endsAt: input.endsAt });

  return inTransaction(ctx, async (tx) => {
    const course = await loadOwnedCourse(tx, viewer.id, input.courseId);
    const assignmentId = input.assignmentId ? await linkAssignment(tx, viewer.id, input.assignmentId, course.id) : null;
    const session = await tx.studySession.create({
      ...query,
      data: { userId: viewer.id, courseId: course.id, assignmentId, title, startsAt, endsAt, notes },
    });
    await recordTaskEvent(tx, 'studySession.created', { id: session.id, userId: viewer.id, courseId: course.id });
    return session;
  });
}

import type { Prisma, StudySession } from '../../generated/prisma/client.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { optionalText } from '../shared.js';
import { createTimedTask } from '../timed-tasks/create-timed-task.js';
import { linkAssignment } from './link-assignment.js';
import { NOTES_MAX } from './study-session-fields.js';

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
 * and records `studySession.created`.
 */
export function createStudySession(
  ctx: DomainContext,
  input: CreateStudySessionInput,
  query?: Selection<Prisma.StudySessionFindUniqueArgs>,
): Promise<StudySession> {
  const { assignmentId, notes, ...shared } = input;
  const data = { notes: optionalText(notes, 'notes', NOTES_MAX) ?? null };
  return createTimedTask(
    ctx,
    {
      ...shared,
      entity: 'StudySession',
      data,
      link: async (tx, courseId) => ({
        assignmentId: assignmentId ? await linkAssignment(tx, ctx, { assignmentId, courseId }) : null,
      }),
    },
    query,
  );
}

import type { Prisma, StudySession } from '../../generated/prisma/client.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { optionalText } from '../shared.js';
import { requireChange } from '../timed-tasks/rules.js';
import { updateTimedTask } from '../timed-tasks/update-timed-task.js';
import { linkAssignment } from './link-assignment.js';
import { NOTES_MAX } from './study-session-fields.js';

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
export function updateStudySession(
  ctx: DomainContext,
  input: UpdateStudySessionInput,
  query?: Selection<Prisma.StudySessionFindUniqueArgs>,
): Promise<StudySession> {
  requireChange(input);
  const { assignmentId, notes, ...shared } = input;
  const changes = notes === undefined ? {} : { notes: optionalText(notes, 'notes', NOTES_MAX) };
  return updateTimedTask(
    ctx,
    {
      ...shared,
      entity: 'StudySession',
      changes,
      link: async (tx, stored, course) => {
        if (assignmentId === undefined && !course.moved) return {};
        const linked = assignmentId === undefined ? stored.assignmentId : assignmentId;
        return {
          assignmentId: linked ? await linkAssignment(tx, ctx, { assignmentId: linked, courseId: course.id }) : null,
        };
      },
    },
    query,
  );
}

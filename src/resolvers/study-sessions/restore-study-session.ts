import type { Prisma, StudySession } from '../../generated/prisma/client.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { restoreTimedTask } from '../timed-tasks/restore-timed-task.js';

export interface RestoreStudySessionInput {
  id: string;
}

/**
 * Brings back one of the viewer's deleted study sessions and records `studySession.restored`
 * (with the deletionId it was deleted under). A live session comes back unchanged, with no event.
 * While its course is deleted: CONFLICT (restore the course first). If its assignment was deleted
 * meanwhile, the session comes back unlinked, as deleting the assignment would have left it.
 */
export function restoreStudySession(
  ctx: DomainContext,
  input: RestoreStudySessionInput,
  query?: Selection<Prisma.StudySessionFindUniqueArgs>,
): Promise<StudySession> {
  return restoreTimedTask(
    ctx,
    {
      entity: 'StudySession',
      id: input.id,
      afterRestore: async (tx, stored) => {
        if (stored.assignmentId && !(await tx.assignment.count({ where: { id: stored.assignmentId } }))) {
          await tx.studySession.update({ where: { id: stored.id }, data: { assignmentId: null } });
        }
      },
    },
    query,
  );
}

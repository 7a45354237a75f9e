import type { DomainContext } from '../context.js';
import { ConflictError } from '../../errors.js';
import { recordTaskEvent } from '../../events/outbox.js';
import type { StudySession } from '../../generated/prisma/client.js';
import { loadOwnedStudySession, lockLiveCourse } from '../ownership.js';
import { inTransaction, requireViewer } from '../shared.js';

export interface RestoreStudySessionInput {
  id: string;
}

/**
 * Brings back one of the viewer's deleted study sessions and records `studySession.restored`
 * (with the deletionId it was deleted under). A live session comes back unchanged, with no event.
 * While its course is deleted: CONFLICT (restore the course first). If its assignment was deleted
 * meanwhile, the session comes back unlinked, as deleting the assignment would have left it.
 */
export async function restoreStudySession(
  ctx: DomainContext,
  input: RestoreStudySessionInput,
  query: object = {},
): Promise<StudySession> {
  const viewer = requireViewer(ctx);
  return inTransaction(ctx, async (tx) => {
    const session = await loadOwnedStudySession(tx, viewer.id, input.id, true);
    if (session.deletedAt) {
      if (!(await lockLiveCourse(tx, viewer.id, session.courseId))) {
        throw new ConflictError('The course of this study session is deleted: restore the course first.', {
          field: 'id',
        });
      }
      await tx.studySession.restore({ where: { id: session.id } });
      if (session.assignmentId && !(await tx.assignment.count({ where: { id: session.assignmentId } }))) {
        await tx.studySession.update({ where: { id: session.id }, data: { assignmentId: null } });
      }
      await recordTaskEvent(
        tx,
        'studySession.restored',
        { id: session.id, userId: viewer.id, courseId: session.courseId },
        session.deletionId ?? undefined,
      );
    }
    return tx.studySession.findUniqueOrThrow({ ...query, where: { id: session.id } });
  });
}

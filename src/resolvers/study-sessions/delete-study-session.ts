import type { DomainContext } from '../context.js';
import { recordTaskEvent } from '../../events/outbox.js';
import { loadOwnedStudySession } from '../ownership.js';
import { inTransaction, requireViewer } from '../shared.js';

export interface DeleteStudySessionInput {
  id: string;
}

/** What a delete answers: the row's id and the deletion that took it. */
export interface StudySessionDeletion {
  deletedId: string;
  deletionId: string;
}

/**
 * Soft-deletes one of the viewer's study sessions under a deletionId of its own and records
 * `studySession.deleted` (with that deletionId). restoreStudySession brings it back.
 */
export async function deleteStudySession(
  ctx: DomainContext,
  input: DeleteStudySessionInput,
): Promise<StudySessionDeletion> {
  const viewer = requireViewer(ctx);
  return inTransaction(ctx, async (tx) => {
    const session = await loadOwnedStudySession(tx, viewer.id, input.id);
    const { deletionId } = await tx.studySession.delete({ where: { id: session.id }, now: ctx.now() });
    await recordTaskEvent(
      tx,
      'studySession.deleted',
      { id: session.id, userId: viewer.id, courseId: session.courseId },
      deletionId,
    );
    return { deletedId: session.id, deletionId };
  });
}

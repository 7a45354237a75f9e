import type { DomainContext } from '../context.js';
import { recordTaskEvent } from '../../events/outbox.js';
import { loadOwnedLecture } from '../ownership.js';
import { inTransaction, requireViewer } from '../shared.js';

export interface DeleteLectureInput {
  id: string;
}

/** What a delete answers: the row's id and the deletion that took it. */
export interface LectureDeletion {
  deletedId: string;
  deletionId: string;
}

/**
 * Soft-deletes one of the viewer's lectures under a deletionId of its own and records
 * `lecture.deleted` (with that deletionId). restoreLecture brings it back.
 */
export async function deleteLecture(ctx: DomainContext, input: DeleteLectureInput): Promise<LectureDeletion> {
  const viewer = requireViewer(ctx);
  return inTransaction(ctx, async (tx) => {
    const lecture = await loadOwnedLecture(tx, viewer.id, input.id);
    const { deletionId } = await tx.lecture.delete({ where: { id: lecture.id }, now: ctx.now() });
    await recordTaskEvent(
      tx,
      'lecture.deleted',
      { id: lecture.id, userId: viewer.id, courseId: lecture.courseId },
      deletionId,
    );
    return { deletedId: lecture.id, deletionId };
  });
}

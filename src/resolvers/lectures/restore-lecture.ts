import type { DomainContext } from '../context.js';
import { ConflictError } from '../../errors.js';
import { recordTaskEvent } from '../../events/outbox.js';
import type { Lecture } from '../../generated/prisma/client.js';
import { loadOwnedLecture, lockLiveCourse } from '../ownership.js';
import { inTransaction, requireViewer } from '../shared.js';

export interface RestoreLectureInput {
  id: string;
}

/**
 * Brings back one of the viewer's deleted lectures and records `lecture.restored` (with the
 * deletionId it was deleted under). A live lecture comes back unchanged, with no event. While its
 * course is deleted: CONFLICT (restore the course first; restoreCourse brings back the lectures
 * its own deletion took).
 */
export async function restoreLecture(
  ctx: DomainContext,
  input: RestoreLectureInput,
  query: object = {},
): Promise<Lecture> {
  const viewer = requireViewer(ctx);
  return inTransaction(ctx, async (tx) => {
    const lecture = await loadOwnedLecture(tx, viewer.id, input.id, true);
    if (lecture.deletedAt) {
      if (!(await lockLiveCourse(tx, viewer.id, lecture.courseId))) {
        throw new ConflictError('The course of this lecture is deleted: restore the course first.', { field: 'id' });
      }
      await tx.lecture.restore({ where: { id: lecture.id } });
      await recordTaskEvent(
        tx,
        'lecture.restored',
        { id: lecture.id, userId: viewer.id, courseId: lecture.courseId },
        lecture.deletionId ?? undefined,
      );
    }
    return tx.lecture.findUniqueOrThrow({ ...query, where: { id: lecture.id } });
  });
}

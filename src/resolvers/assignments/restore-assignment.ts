import type { DomainContext } from '../context.js';
import { withDeleted } from '../../db/soft-delete.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { recordTaskEvent } from '../../events/outbox.js';
import type { Assignment } from '../../generated/prisma/client.js';
import { lockLiveCourse, ownedWhere } from '../ownership.js';
import { inTransaction } from '../shared.js';

/**
 * Brings back the viewer's deleted assignment and the study sessions its deletion took (same
 * deletionId). An assignment that is not deleted is returned unchanged, with no event. While its
 * course is deleted it cannot come back alone: CONFLICT, restore the course first.
 * Records `assignment.restored`.
 */
export async function restoreAssignment(ctx: DomainContext, id: string, query: object = {}): Promise<Assignment> {
  const where = ownedWhere(ctx, 'Assignment', id, 'own');
  return inTransaction(ctx, async (tx) => {
    const assignment = await tx.assignment.findFirst({ where: withDeleted(where) });
    if (!assignment) throw new NotFoundError('Assignment');
    if (assignment.deletedAt) {
      // The lock keeps the course live until this transaction ends (no concurrent deleteCourse).
      if (!(await lockLiveCourse(tx, assignment.userId, assignment.courseId))) {
        throw new ConflictError("The assignment's course is deleted: restore the course first.");
      }
      const deletionId = assignment.deletionId ?? undefined;
      const restored = await tx.assignment.restore({ where: { id }, deletionId });
      if (restored.count > 0) {
        if (deletionId) await tx.studySession.restore({ where: { assignmentId: id }, deletionId });
        await recordTaskEvent(tx, 'assignment.restored', assignment, deletionId);
      }
    }
    return tx.assignment.findUniqueOrThrow({ ...query, where: { id } });
  });
}

import { ConflictError } from '../../errors.js';
import { recordTaskEvent } from '../../events/outbox.js';
import type { Assignment, Prisma } from '../../generated/prisma/client.js';
import { isLiveOwned } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { inTransaction } from '../shared.js';
import { lockAssignment } from './lock-assignment.js';

/**
 * Brings back the viewer's deleted assignment and the study sessions its deletion took (same
 * deletionId). An assignment that is not deleted is returned unchanged, with no event. While its
 * course is deleted it cannot come back alone: CONFLICT, restore the course first.
 * Records `assignment.restored`.
 */
export async function restoreAssignment(
  ctx: DomainContext,
  input: { id: string },
  query?: Selection<Prisma.AssignmentFindUniqueArgs>,
): Promise<Assignment> {
  const { id } = input;
  return inTransaction(ctx, async (tx) => {
    const assignment = await lockAssignment(tx, ctx, id, { includeDeleted: true });
    if (assignment.deletedAt) {
      // The lock keeps the course live until this transaction ends (no concurrent deleteCourse).
      if (!(await isLiveOwned(tx, ctx, 'Course', assignment.courseId))) {
        throw new ConflictError("The assignment's course is deleted: restore the course first.");
      }
      const deletionId = assignment.deletionId ?? undefined;
      await tx.assignment.restore({ where: { id }, deletionId });
      if (deletionId) await tx.studySession.restore({ where: { assignmentId: id }, deletionId });
      await recordTaskEvent(tx, 'assignment.restored', assignment, deletionId);
    }
    return tx.assignment.findUniqueOrThrow({ ...query, where: { id } });
  });
}

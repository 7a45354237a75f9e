import type { DomainContext } from '../../context.js';
import { recordTaskEvent } from '../../events/outbox.js';
import type { Assignment } from '../../generated/prisma/client.js';
import { findOwnedAssignment } from '../ownership.js';
import { inTransaction } from '../shared.js';

/**
 * Marks the viewer's completed assignment as not done and records `assignment.reopened`.
 * Reopening an assignment that is not completed returns it unchanged and records nothing.
 */
export async function reopenAssignment(ctx: DomainContext, id: string, query: object = {}): Promise<Assignment> {
  return inTransaction(ctx, async (tx) => {
    const assignment = await findOwnedAssignment(ctx, tx, id, 'own');
    const { count } = await tx.assignment.updateMany({
      where: { id, deletedAt: null, completedAt: { not: null } },
      data: { completedAt: null },
    });
    if (count > 0) {
      await recordTaskEvent(tx, 'assignment.reopened', {
        userId: assignment.userId,
        courseId: assignment.courseId,
        taskId: id,
        kind: 'ASSIGNMENT',
      });
    }
    return tx.assignment.findUniqueOrThrow({ ...query, where: { id } });
  });
}

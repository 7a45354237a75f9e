import type { DomainContext } from '../../context.js';
import { recordTaskEvent } from '../../events/outbox.js';
import type { Assignment } from '../../generated/prisma/client.js';
import { findOwnedAssignment } from '../ownership.js';
import { inTransaction } from '../shared.js';

/**
 * Marks the viewer's assignment done at `ctx.now()` and records `assignment.completed`.
 * Completing a completed assignment returns it unchanged and records nothing.
 */
export async function completeAssignment(ctx: DomainContext, id: string, query: object = {}): Promise<Assignment> {
  return inTransaction(ctx, async (tx) => {
    const assignment = await findOwnedAssignment(ctx, tx, id, 'own');
    const { count } = await tx.assignment.updateMany({
      where: { id, deletedAt: null, completedAt: null },
      data: { completedAt: ctx.now() },
    });
    if (count > 0) {
      await recordTaskEvent(tx, 'assignment.completed', {
        userId: assignment.userId,
        courseId: assignment.courseId,
        taskId: id,
        kind: 'ASSIGNMENT',
      });
    }
    return tx.assignment.findUniqueOrThrow({ ...query, where: { id } });
  });
}

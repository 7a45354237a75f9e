import type { DomainContext } from '../context.js';
import { recordTaskEvent } from '../../events/outbox.js';
import type { Assignment } from '../../generated/prisma/client.js';
import { findOwnedAssignment } from '../ownership.js';
import { inTransaction } from '../shared.js';

/**
 * Marks the viewer's assignment done (at `ctx.now()`) or not done, recording
 * `assignment.completed` / `assignment.reopened` only when the state actually changed; an
 * assignment already in that state is returned unchanged.
 */
export async function setCompletion(
  ctx: DomainContext,
  input: { id: string; completed: boolean },
  query: object = {},
): Promise<Assignment> {
  const { id, completed } = input;
  return inTransaction(ctx, async (tx) => {
    const assignment = await findOwnedAssignment(ctx, tx, id, 'own');
    const { count } = await tx.assignment.updateMany({
      where: { id, deletedAt: null, completedAt: completed ? null : { not: null } },
      data: { completedAt: completed ? ctx.now() : null },
    });
    if (count > 0) {
      await recordTaskEvent(tx, completed ? 'assignment.completed' : 'assignment.reopened', assignment);
    }
    return tx.assignment.findUniqueOrThrow({ ...query, where: { id } });
  });
}

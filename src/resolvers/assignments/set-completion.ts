import { recordTaskEvent } from '../../events/outbox.js';
import type { Assignment, Prisma } from '../../generated/prisma/client.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { inTransaction } from '../shared.js';
import { lockAssignment } from './lock-assignment.js';

/**
 * Marks the viewer's assignment done (at `ctx.now()`) or not done, recording
 * `assignment.completed` / `assignment.reopened` only when the state actually changed; an
 * assignment already in that state is returned unchanged.
 */
export async function setCompletion(
  ctx: DomainContext,
  input: { id: string; completed: boolean },
  query?: Selection<Prisma.AssignmentFindUniqueArgs>,
): Promise<Assignment> {
  const { id, completed } = input;
  return inTransaction(ctx, async (tx) => {
    const assignment = await lockAssignment(tx, ctx, id);
    if ((assignment.completedAt !== null) === completed) {
      return tx.assignment.findUniqueOrThrow({ ...query, where: { id } });
    }
    const updated = await tx.assignment.update({
      ...query,
      where: { id },
      data: { completedAt: completed ? ctx.now() : null },
    });
    await recordTaskEvent(tx, completed ? 'assignment.completed' : 'assignment.reopened', assignment);
    return updated;
  });
}

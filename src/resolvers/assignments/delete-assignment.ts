import { randomUUID } from 'node:crypto';
import { recordTaskEvent } from '../../events/outbox.js';
import type { DomainContext } from '../domain-context.js';
import type { Deletion } from '../deletion.js';
import { inTransaction } from '../shared.js';
import { lockAssignment } from './lock-assignment.js';

/**
 * Soft-deletes the viewer's assignment and the live study sessions planned for it, under one
 * deletionId, so restoreAssignment brings back exactly these rows. Records `assignment.deleted`.
 */
export async function deleteAssignment(ctx: DomainContext, input: { id: string }): Promise<Deletion> {
  const { id } = input;
  const now = ctx.now();
  const deletionId = randomUUID();
  await inTransaction(ctx, async (tx) => {
    // Its row lock makes a concurrent delete wait, then find nothing.
    const assignment = await lockAssignment(tx, ctx, id);
    await tx.assignment.delete({ where: { id }, deletionId, now });
    await tx.studySession.deleteMany({ where: { assignmentId: id }, deletionId, now });
    await recordTaskEvent(tx, 'assignment.deleted', assignment, deletionId);
  });
  return { deletedId: id, deletionId };
}

import { randomUUID } from 'node:crypto';
import type { DomainContext } from '../context.js';
import { NotFoundError } from '../../errors.js';
import { recordTaskEvent } from '../../events/outbox.js';
import { findOwnedAssignment } from '../ownership.js';
import type { Deletion } from '../courses/delete-course.js';
import { inTransaction } from '../shared.js';

/**
 * Soft-deletes the viewer's assignment and the live study sessions planned for it, under one
 * deletionId, so restoreAssignment brings back exactly these rows. Records `assignment.deleted`.
 */
export async function deleteAssignment(ctx: DomainContext, id: string): Promise<Deletion> {
  const now = ctx.now();
  const deletionId = randomUUID();
  await inTransaction(ctx, async (tx) => {
    const assignment = await findOwnedAssignment(ctx, tx, id, 'own');
    // Its row lock makes a concurrent delete wait, then find nothing.
    const { count } = await tx.assignment.delete({ where: { id }, deletionId, now });
    if (count === 0) throw new NotFoundError('Assignment');
    await tx.studySession.deleteMany({ where: { assignmentId: id }, deletionId, now });
    await recordTaskEvent(tx, 'assignment.deleted', assignment, deletionId);
  });
  return { deletedId: id, deletionId };
}

import type { DomainContext } from '../domain-context.js';
import type { Deletion } from '../deletion.js';
import { lockOwned } from '../access.js';
import { inTransaction } from '../shared.js';

/** Soft-deletes one of the viewer's notifications (it leaves the list and the unread count). */
export async function deleteNotification(ctx: DomainContext, input: { id: string }): Promise<Deletion> {
  const now = ctx.now();
  return inTransaction(ctx, async (tx) => {
    await lockOwned(tx, ctx, 'Notification', input.id);
    const { deletionId } = await tx.notification.delete({ where: { id: input.id }, now });
    return { deletedId: input.id, deletionId };
  });
}

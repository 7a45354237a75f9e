import type { DomainContext } from '../domain-context.js';
import { ValidationError } from '../../errors.js';
import type { Notification, Prisma } from '../../generated/prisma/client.js';
import { lockOwnedMany } from '../access.js';
import type { Selection } from '../selection.js';
import { inTransaction } from '../shared.js';

export const MAX_MARK_IDS = 100;

/**
 * Marks notifications of the viewer as read (those already read keep their readAt) and returns
 * them, newest first. All or nothing: an id that is not one of the viewer's live notifications
 * is NOT_FOUND and nothing changes.
 */
export async function markNotificationsRead(
  ctx: DomainContext,
  input: { ids: readonly string[] },
  query: Selection<Prisma.NotificationFindManyArgs> = {},
): Promise<Notification[]> {
  if (input.ids.length > MAX_MARK_IDS) {
    throw new ValidationError(`Give at most ${MAX_MARK_IDS} ids at once.`, 'ids');
  }
  const now = ctx.now();
  return inTransaction(ctx, async (tx) => {
    const ids = await lockOwnedMany(tx, ctx, 'Notification', input.ids);
    if (ids.length === 0) return [];
    await tx.notification.updateMany({ where: { id: { in: ids }, readAt: null }, data: { readAt: now } });
    return tx.notification.findMany({
      ...query,
      where: { id: { in: ids } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
  });
}

import type { DomainContext } from '../domain-context.js';
import { ownRows } from '../access.js';

/** Marks every unread notification of the viewer as read; returns how many it marked. */
export async function markAllNotificationsRead(
  ctx: DomainContext,
  _input: Record<string, never> = {},
): Promise<number> {
  const { count } = await ctx.db.notification.updateMany({
    where: { ...ownRows(ctx), channel: 'IN_APP', readAt: null, deletedAt: null },
    data: { readAt: ctx.now() },
  });
  return count;
}

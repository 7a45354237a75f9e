import type { DomainContext } from '../context.js';
import type { Notification, Prisma } from '../../generated/prisma/client.js';
import { accessibleUserId } from '../access.js';
import type { Selection } from '../selection.js';

export interface NotificationsInput {
  /** Whose notifications: only the viewer's own (anyone else's: NOT_FOUND). */
  userId: string;
  /** Only those not read yet. */
  unreadOnly?: boolean | null;
}

/** The paging plugin-prisma adds to a connection's query. */
export type PageQuery = Selection<Prisma.NotificationFindManyArgs> &
  Pick<Prisma.NotificationFindManyArgs, 'take' | 'skip' | 'cursor'>;

/** The readable (in-app) notifications of the viewer, live, optionally unread only. */
export function notificationsWhere(ctx: DomainContext, input: NotificationsInput): Prisma.NotificationWhereInput {
  const userId = accessibleUserId(ctx, input.userId, 'own');
  return { userId, channel: 'IN_APP', ...(input.unreadOnly ? { readAt: null } : {}) };
}

/**
 * A page of the viewer's notifications, newest first (Notification_user_inbox_idx, or
 * Notification_user_unread_idx with `unreadOnly`). `query` carries the connection's paging.
 */
export function listNotifications(
  ctx: DomainContext,
  input: NotificationsInput,
  query: PageQuery = {},
): Promise<Notification[]> {
  return ctx.db.notification.findMany({
    ...query,
    where: notificationsWhere(ctx, input),
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
}

/** How many notifications `listNotifications` pages through. */
export function countNotifications(ctx: DomainContext, input: NotificationsInput): Promise<number> {
  return ctx.db.notification.count({ where: notificationsWhere(ctx, input) });
}

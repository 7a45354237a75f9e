import type { DomainContext } from '../domain-context.js';
import { notificationsWhere } from './list-notifications.js';

/** How many of the viewer's notifications are unread (an index-only count of Notification_user_unread_idx). */
export function countUnreadNotifications(ctx: DomainContext, input: { userId: string }): Promise<number> {
  return ctx.db.notification.count({ where: notificationsWhere(ctx, { userId: input.userId, unreadOnly: true }) });
}

import type { DomainContext } from '../domain-context.js';
import { orderByColumns, type FieldSqlForm } from '../../db/sql.js';
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

/** The channel whose notifications the app lists (the others are deliveries of the same news). */
const READABLE_CHANNEL = 'IN_APP';

/** The readable (in-app) notifications of the viewer, live, optionally unread only. */
export function notificationsWhere(ctx: DomainContext, input: NotificationsInput): Prisma.NotificationWhereInput {
  const userId = accessibleUserId(ctx, input.userId, 'own');
  return { userId, channel: READABLE_CHANNEL, ...(input.unreadOnly ? { readAt: null } : {}) };
}

/** The newest first order of the list. */
const NEWEST_FIRST: Prisma.NotificationOrderByWithRelationInput[] = [{ createdAt: 'desc' }, { id: 'desc' }];

/** notificationsWhere in SQL over row `r` (the planned path): readable, and unread when asked. */
const readableSql = (r: string) => `${r}."channel" = '${READABLE_CHANNEL}'`;
const unreadSql = (r: string) => `${r}."readAt" IS NULL`;

/** `User.notifications` on the planned path: a user row's readable notifications, newest first. */
export const notificationsSqlForm: FieldSqlForm = {
  kind: 'connection',
  relation: 'notifications',
  orderBy: orderByColumns(NEWEST_FIRST)!,
  where: readableSql,
  booleanArgs: { unreadOnly: unreadSql },
};

/** `User.unreadCount` on the planned path (countUnreadNotifications). */
export const unreadCountSqlForm: FieldSqlForm = {
  kind: 'count',
  relation: 'notifications',
  where: (r) => `${readableSql(r)} AND ${unreadSql(r)}`,
  usesNow: false,
};

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
    orderBy: NEWEST_FIRST,
  });
}

/** How many notifications `listNotifications` pages through. */
export function countNotifications(ctx: DomainContext, input: NotificationsInput): Promise<number> {
  return ctx.db.notification.count({ where: notificationsWhere(ctx, input) });
}

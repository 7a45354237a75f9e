import type { DomainContext } from '../domain-context.js';
import type { NotificationMessage } from '../../events/live.js';
import { requireViewer } from '../access.js';
import type { SyncPosition } from '../sync/cursor.js';
import { tailChanges } from '../sync/tail-changes.js';

/**
 * The signed-in student's own new notifications as they are written (another student's never
 * reach this stream). With `after` (a sync cursor), resumable (docs/sync.md): first every in-app
 * notification written since the cursor, from the change log, then each new one, with its cursor.
 */
export async function subscribeNotifications(
  ctx: DomainContext,
  input: { after?: SyncPosition | null } = {},
): Promise<AsyncIterable<NotificationMessage>> {
  const viewer = requireViewer(ctx);
  if (!input.after) return ctx.live.subscribe('notifications', viewer.id);
  return tailChanges<NotificationMessage>(ctx, {
    userId: viewer.id,
    stream: 'notifications',
    topic: 'notifications',
    after: input.after,
    message: (row, cursor) => ({
      eventId: `sync-${row.seq}`,
      notificationId: row.entityId,
      userId: viewer.id,
      occurredAt: new Date(/[zZ]$/.test(row.changedAt) ? row.changedAt : `${row.changedAt}Z`).toISOString(),
      cursor,
    }),
  });
}

import type { DomainContext } from '../domain-context.js';
import type { NotificationMessage } from '../../events/live.js';
import { requireViewer } from '../access.js';

/** The signed-in student's own new notifications as they are written (another student's never reach this stream). */
export function subscribeNotifications(
  ctx: DomainContext,
  _input: Record<string, never> = {},
): AsyncIterable<NotificationMessage> {
  const viewer = requireViewer(ctx);
  return ctx.live.subscribe('notifications', viewer.id);
}

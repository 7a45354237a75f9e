import type { DomainContext } from '../domain-context.js';
import type { Notification, Prisma } from '../../generated/prisma/client.js';
import { isUuid, requireViewer } from '../access.js';
import type { Selection } from '../selection.js';

/** One of the viewer's own live notifications; null when it is gone or not theirs (a live push that arrives late). */
export async function getNotification(
  ctx: DomainContext,
  input: { id: string },
  query: Selection<Prisma.NotificationFindUniqueArgs> = {},
): Promise<Notification | null> {
  const viewer = requireViewer(ctx);
  if (!isUuid(input.id)) return null;
  return ctx.db.notification.findFirst({ ...query, where: { id: input.id, userId: viewer.id, channel: 'IN_APP' } });
}

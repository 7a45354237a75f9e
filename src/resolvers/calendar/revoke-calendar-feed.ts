import { requireViewer } from '../access.js';
import type { DomainContext } from '../domain-context.js';

/** Revokes the viewer's calendar feed URL without a new one; true when there was one. */
export async function revokeCalendarFeed(ctx: DomainContext, _input: Record<string, never> = {}): Promise<boolean> {
  const viewer = requireViewer(ctx);
  const { count } = await ctx.db.user.updateMany({
    where: { id: viewer.id, deletedAt: null, calendarFeedTokenHash: { not: null } },
    data: { calendarFeedTokenHash: null, calendarFeedCreatedAt: null },
  });
  if (count) ctx.logger.info({ userId: viewer.id }, 'calendar feed revoked');
  return count > 0;
}

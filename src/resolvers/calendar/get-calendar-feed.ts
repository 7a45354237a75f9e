import { requireViewer } from '../access.js';
import type { DomainContext } from '../domain-context.js';

/** Whether the viewer has a calendar feed, and since when (its URL is not kept: only its hash). */
export async function getCalendarFeed(
  ctx: DomainContext,
  _input: Record<string, never> = {},
): Promise<{ createdAt: Date } | null> {
  const viewer = requireViewer(ctx);
  const user = await ctx.db.user.findUnique({ where: { id: viewer.id }, select: { calendarFeedCreatedAt: true } });
  return user?.calendarFeedCreatedAt ? { createdAt: user.calendarFeedCreatedAt } : null;
}

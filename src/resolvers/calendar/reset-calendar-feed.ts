import { requireViewer } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import { mintFeedSecret, type CalendarFeedSecret } from './feed-token.js';

/**
 * Revokes the viewer's calendar feed URL (if any) and answers a new one: the old URL answers 404
 * from this commit on.
 */
export async function resetCalendarFeed(
  ctx: DomainContext,
  _input: Record<string, never> = {},
): Promise<CalendarFeedSecret> {
  const viewer = requireViewer(ctx);
  const { secret, columns } = mintFeedSecret(ctx.now());
  await ctx.db.user.update({ where: { id: viewer.id, deletedAt: null }, data: columns });
  ctx.logger.info({ userId: viewer.id }, 'calendar feed reset');
  return secret;
}

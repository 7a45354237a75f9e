import { ConflictError } from '../../errors.js';
import { requireViewer } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import { mintFeedSecret, type CalendarFeedSecret } from './feed-token.js';

/**
 * Makes the viewer's calendar feed secret on first use and answers it. Only its hash is kept, so
 * the token is shown this once: while a feed exists this is CONFLICT (resetCalendarFeed gives a
 * new URL and revokes the old one). Two calls at once make one feed: the write is conditional.
 */
export async function createCalendarFeed(
  ctx: DomainContext,
  _input: Record<string, never> = {},
): Promise<CalendarFeedSecret> {
  const viewer = requireViewer(ctx);
  const { secret, columns } = mintFeedSecret(ctx.now());
  const { count } = await ctx.db.user.updateMany({
    where: { id: viewer.id, deletedAt: null, calendarFeedTokenHash: null },
    data: columns,
  });
  if (count === 0) {
    throw new ConflictError(
      'A calendar feed URL exists already; it was shown once, when it was made (only its hash is kept). ' +
        'resetCalendarFeed gives a new URL and revokes the old one.',
    );
  }
  ctx.logger.info({ userId: viewer.id }, 'calendar feed created');
  return secret;
}

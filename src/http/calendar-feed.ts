import { createHash } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from '../db/unavailable.js';
import { RateLimitedError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import { CALENDAR_FEED_PREFIX, feedTokenOfPath, hashFeedToken } from '../resolvers/calendar/feed-token.js';
import { readCalendarFeed, type FeedContext } from '../resolvers/calendar/read-calendar-feed.js';
import { renderCalendar } from './calendar/ics.js';

export interface CalendarFeedOptions {
  context: FeedContext & { logger: Logger };
  /** Counts one fetch of a token's feed (by the token's hash); throws RateLimitedError past the limit. Null: no limit. */
  limit: ((tokenHash: string) => Promise<void>) | null;
}

/** Calendar apps poll: they may keep a copy for 5 minutes, then revalidate with If-None-Match. */
export const CALENDAR_CACHE_CONTROL = 'private, max-age=300, must-revalidate';

/** A strong ETag of the body: the same rows give the same bytes (ics.ts), so the same tag. */
const etagOf = (body: string) => `"${createHash('sha256').update(body, 'utf8').digest('base64url')}"`;

/** Whether If-None-Match names this ETag (weak comparison, as RFC 9110 asks for it), or is `*`. */
function matches(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}

/**
 * GET (and HEAD) /calendar/<token>.ics: the feed of the account whose feed token this is
 * (docs/calendar-feed.md), as text/calendar with an ETag and Cache-Control; 304 when
 * If-None-Match has the current ETag. 404, the same for each case, for a malformed, unknown,
 * reset or revoked token and a deleted or suspended account; 429 with Retry-After past the
 * fetches a token may make (RATE_LIMIT_CALENDAR_FEED); 503 while the database is away. The token
 * is never logged.
 */
export function useCalendarFeed(options: CalendarFeedOptions): Plugin {
  const { logger } = options.context;
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (!url.pathname.startsWith(CALENDAR_FEED_PREFIX)) return;
      const text = (status: number, body: string, headers: Record<string, string> = {}) =>
        endResponse(
          new fetchAPI.Response(body, {
            status,
            headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers },
          }),
        );
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return text(405, 'Only GET and HEAD are accepted.\n', { allow: 'GET, HEAD' });
      }
      const token = feedTokenOfPath(url.pathname);
      if (!token) return text(404, 'Not found.\n');
      const tokenHash = hashFeedToken(token);
      try {
        await options.limit?.(tokenHash);
        const content = await readCalendarFeed(options.context, { token });
        if (!content) return text(404, 'Not found.\n');
        const body = renderCalendar(content);
        const etag = etagOf(body);
        const headers = {
          etag,
          'cache-control': CALENDAR_CACHE_CONTROL,
          'x-robots-tag': 'noindex',
          'referrer-policy': 'no-referrer',
        };
        if (matches(request.headers.get('if-none-match'), etag)) {
          return endResponse(new fetchAPI.Response(null, { status: 304, headers }));
        }
        return endResponse(
          new fetchAPI.Response(request.method === 'HEAD' ? null : body, {
            status: 200,
            headers: {
              ...headers,
              'content-type': 'text/calendar; charset=utf-8',
              'content-disposition': 'inline; filename="study-planner.ics"',
            },
          }),
        );
      } catch (err) {
        if (err instanceof RateLimitedError) {
          const retryAfter = String(err.details?.retryAfter ?? 1);
          return text(429, `${err.message}\n`, { 'retry-after': retryAfter });
        }
        if (isDatabaseUnavailable(err)) {
          return text(503, 'The service is temporarily unavailable. Please retry shortly.\n', {
            'retry-after': String(RETRY_AFTER_SECONDS),
          });
        }
        logger.error({ err, path: CALENDAR_FEED_PREFIX }, 'calendar feed failed');
        return text(500, 'Internal error.\n');
      }
    },
  };
}

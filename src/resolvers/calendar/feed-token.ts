import { createHash, randomBytes } from 'node:crypto';

/**
 * The secret of a calendar feed URL: 32 random bytes, base64url (43 characters). Only its
 * sha256 is stored (User.calendarFeedTokenHash), so a copy of the database gives no feed away.
 */
export function newFeedToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored and looked up for a token: its sha256, hex. */
export function hashFeedToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Where the feed of a token is served (src/http/calendar-feed.ts). */
export const CALENDAR_FEED_PREFIX = '/calendar/';

/** The path of a token's feed: `/calendar/<token>.ics`. */
export function calendarFeedPath(token: string): string {
  return `${CALENDAR_FEED_PREFIX}${token}.ics`;
}

/** The token in a feed path, or null when the path is not one (any other path answers 404). */
export function feedTokenOfPath(pathname: string): string | null {
  const match = /^\/calendar\/([A-Za-z0-9_-]{43})\.ics$/.exec(pathname);
  return match ? match[1]! : null;
}

/** A feed URL as handed out: a token, and when it was made. */
export interface CalendarFeedSecret {
  token: string;
  createdAt: Date;
}

/** A new feed secret made at `now`, and the User columns that store it (its hash, its time). */
export function mintFeedSecret(now: Date): {
  secret: CalendarFeedSecret;
  columns: { calendarFeedTokenHash: string; calendarFeedCreatedAt: Date };
} {
  const token = newFeedToken();
  return {
    secret: { token, createdAt: now },
    columns: { calendarFeedTokenHash: hashFeedToken(token), calendarFeedCreatedAt: now },
  };
}

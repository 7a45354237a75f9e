import type { Priority } from '../../generated/prisma/client.js';
import type { DomainContext } from '../domain-context.js';
import { hashFeedToken } from './feed-token.js';

/** What the feed route is given: the database and the clock, no viewer (the token is the credential). */
export type FeedContext = Pick<DomainContext, 'db' | 'now'>;

/** Items whose time is older than this are left out of the feed (the future is not cut). */
export const FEED_PAST_DAYS = 180;
/** At most this many items of each kind, the earliest first. */
export const FEED_MAX_ITEMS = 2000;

interface FeedItemBase {
  id: string;
  title: string;
  courseName: string;
  createdAt: Date;
  updatedAt: Date;
}
export interface FeedAssignment extends FeedItemBase {
  description: string | null;
  dueAt: Date;
  completedAt: Date | null;
  priority: Priority;
}
export interface FeedLecture extends FeedItemBase {
  startsAt: Date;
  endsAt: Date;
  location: string | null;
}
export interface FeedStudySession extends FeedItemBase {
  startsAt: Date;
  endsAt: Date;
  notes: string | null;
}

export interface CalendarFeedContent {
  /** The owner's IANA time zone (User.timezone): events are written in it. */
  timezone: string;
  assignments: FeedAssignment[];
  lectures: FeedLecture[];
  studySessions: FeedStudySession[];
}

const course = { select: { name: true } } as const;
const base = { id: true, title: true, createdAt: true, updatedAt: true, course } as const;

/**
 * The live items of the account behind a feed token: assignments, lectures and study sessions
 * from FEED_PAST_DAYS ago on. null, with no difference between the cases, for a token no account
 * has (never made, reset or revoked), a deleted account (the soft-delete extension skips it) and
 * a suspended one. Read in one repeatable-read transaction so the parts agree.
 */
export async function readCalendarFeed(
  ctx: FeedContext,
  input: { token: string },
): Promise<CalendarFeedContent | null> {
  const from = new Date(ctx.now().getTime() - FEED_PAST_DAYS * 86_400_000);
  return ctx.db.$transaction(
    async (tx) => {
      const user = await tx.user.findFirst({
        where: { calendarFeedTokenHash: hashFeedToken(input.token), accountStatus: 'ACTIVE' },
        select: { id: true, timezone: true },
      });
      if (!user) return null;
      const window = { take: FEED_MAX_ITEMS } as const;
      const [assignments, lectures, studySessions] = await Promise.all([
        tx.assignment.findMany({
          ...window,
          where: { userId: user.id, dueAt: { gte: from } },
          orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
          select: { ...base, description: true, dueAt: true, completedAt: true, priority: true },
        }),
        tx.lecture.findMany({
          ...window,
          where: { userId: user.id, startsAt: { gte: from } },
          orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
          select: { ...base, startsAt: true, endsAt: true, location: true },
        }),
        tx.studySession.findMany({
          ...window,
          where: { userId: user.id, startsAt: { gte: from } },
          orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
          select: { ...base, startsAt: true, endsAt: true, notes: true },
        }),
      ]);
      const flat = <T extends { course: { name: string } | null }>({ course: c, ...rest }: T) => ({
        ...rest,
        courseName: c?.name ?? '',
      });
      return {
        timezone: user.timezone,
        assignments: assignments.map(flat),
        lectures: lectures.map(flat),
        studySessions: studySessions.map(flat),
      };
    },
    { isolationLevel: 'RepeatableRead' },
  );
}

import { withDeleted } from '../../db/soft-delete.js';
import type { Priority } from '../../generated/prisma/client.js';
import type { DomainContext } from '../domain-context.js';
import { expandOccurrences, parseRecurrence } from '../lectures/recurrence.js';
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

/**
 * A weekly lecture as one recurring event (RFC 5545): its rule, the first occurrence, the
 * occurrences cancelled (EXDATE) and those edited on their own (each an override with the
 * RECURRENCE-ID of the start the rule gives it), all in the series' own time zone.
 */
export interface FeedSeries extends FeedItemBase {
  location: string | null;
  timezone: string;
  /** The RRULE value as stored (UNTIL in UTC). */
  recurrence: string;
  firstStartsAt: Date;
  firstEndsAt: Date;
  /** Starts (as the rule gives them) of the occurrences that do not take place. */
  cancelled: Date[];
  /**
   * Occurrences edited on their own: the start the rule gives them (null when a later edit of the
   * series took their day out of the rule: then a lecture of its own), and the lecture as it is now.
   */
  moved: { ruleStartsAt: Date | null; lecture: FeedLecture }[];
}

export interface CalendarFeedContent {
  /** The owner's IANA time zone (User.timezone): events are written in it. */
  timezone: string;
  assignments: FeedAssignment[];
  /** One-off lectures; the occurrences of a series are in `series`. */
  lectures: FeedLecture[];
  series: FeedSeries[];
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
      const [assignments, lectures, studySessions, series, occurrences] = await Promise.all([
        tx.assignment.findMany({
          ...window,
          where: { userId: user.id, dueAt: { gte: from } },
          orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
          select: { ...base, description: true, dueAt: true, completedAt: true, priority: true },
        }),
        tx.lecture.findMany({
          ...window,
          where: { userId: user.id, startsAt: { gte: from }, seriesId: null },
          orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
          select: { ...base, startsAt: true, endsAt: true, location: true },
        }),
        tx.studySession.findMany({
          ...window,
          where: { userId: user.id, startsAt: { gte: from } },
          orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
          select: { ...base, startsAt: true, endsAt: true, notes: true },
        }),
        tx.lectureSeries.findMany({
          take: FEED_MAX_ITEMS,
          where: { userId: user.id },
          orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
          select: { ...base, location: true, timezone: true, recurrence: true, startsAt: true, endsAt: true },
        }),
        // Every occurrence row of the owner's series, cancelled ones too (Lecture_series_day_key).
        tx.lecture.findMany({
          where: withDeleted({ userId: user.id, seriesId: { not: null } }),
          select: {
            ...base,
            seriesId: true,
            occurrenceDate: true,
            detached: true,
            deletedAt: true,
            startsAt: true,
            endsAt: true,
            location: true,
          },
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
        series: series.map((s) => feedSeries(flat(s), occurrences.filter((o) => o.seriesId === s.id).map(flat))),
        studySessions: studySessions.map(flat),
      };
    },
    { isolationLevel: 'RepeatableRead' },
  );
}

type SeriesRow = FeedItemBase &
  Pick<FeedSeries, 'location' | 'timezone' | 'recurrence'> & { startsAt: Date; endsAt: Date };
type OccurrenceRow = FeedLecture & { occurrenceDate: Date | null; detached: boolean; deletedAt: Date | null };

/**
 * A series as the feed writes it. The rule is expanded again (as updateLectureSeries last did) and
 * compared with the rows: a day whose lecture follows the series is the rule's; a day whose
 * lecture was cancelled (or is missing) is an EXDATE; one edited on its own is an override.
 */
function feedSeries(series: SeriesRow, rows: OccurrenceRow[]): FeedSeries {
  const rule = expandOccurrences(parseRecurrence(series.recurrence, series.timezone), {
    startsAt: series.startsAt,
    endsAt: series.endsAt,
    timeZone: series.timezone,
  });
  const byDay = new Map(rows.map((r) => [r.occurrenceDate?.toISOString().slice(0, 10), r]));
  const cancelled: Date[] = [];
  const moved: FeedSeries['moved'] = [];
  const lectureOf = ({ occurrenceDate: _d, detached: _x, deletedAt: _a, ...lecture }: OccurrenceRow) => lecture;
  for (const o of rule) {
    const day = o.date.toISOString().slice(0, 10);
    const row = byDay.get(day);
    byDay.delete(day);
    if (!row || row.deletedAt) cancelled.push(o.startsAt);
    else if (row.detached) moved.push({ ruleStartsAt: o.startsAt, lecture: lectureOf(row) });
  }
  for (const row of byDay.values()) if (!row.deletedAt) moved.push({ ruleStartsAt: null, lecture: lectureOf(row) });
  const { startsAt: _s, endsAt: _e, ...rest } = series;
  return { ...rest, firstStartsAt: rule[0]!.startsAt, firstEndsAt: rule[0]!.endsAt, cancelled, moved };
}

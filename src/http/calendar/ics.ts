import { TZDate } from '@date-fns/tz';
import ical, { type ICalEventData } from 'ical-generator';
import { tzlib_get_ical_block } from 'timezones-ical-library';
import type { CalendarFeedContent, FeedAssignment } from '../../resolvers/calendar/read-calendar-feed.js';

/** Ends every UID: with the row's kind and id it is stable across fetches, resets and replicas. */
const UID_DOMAIN = 'study-planner-api';

/** RFC 5545 PRIORITY: 1 highest, 9 lowest (0 undefined). */
const PRIORITY: Record<FeedAssignment['priority'], number> = { URGENT: 1, HIGH: 3, MEDIUM: 5, LOW: 9 };

/**
 * The VTIMEZONE of an IANA zone and the TZID it defines (the library's name may be the canonical
 * one of an alias), or null for UTC and for a zone it does not know: those events are written in
 * UTC (`...Z`), which is exact for single events.
 */
function zoneOf(timezone: string): { tzid: string; vtimezone: string } | null {
  if (timezone === 'UTC' || timezone === 'Etc/UTC') return null;
  const block = tzlib_get_ical_block(timezone);
  const tzid = /^TZID=(.+)$/.exec(block[1] ?? '')?.[1];
  return block[0] && tzid ? { tzid, vtimezone: block[0] } : null;
}

/**
 * The feed as iCalendar text (RFC 5545, ical-generator): one VEVENT per item, in the owner's time
 * zone (DTSTART;TZID=... with its VTIMEZONE), so that a recurrence rule (RRULE), when lectures
 * get one, expands in local time across DST changes. DTSTAMP and LAST-MODIFIED are the row's
 * updatedAt (a feed without METHOD: the time the information was last revised), so the same rows
 * always give the same bytes and the ETag only changes when the content does.
 */
export function renderCalendar(content: CalendarFeedContent): string {
  const zone = zoneOf(content.timezone);
  const at = (date: Date): Date => (zone ? new TZDate(date.getTime(), zone.tzid) : date);
  const calendar = ical({
    prodId: { company: 'study-planner-api', product: 'calendar feed', language: 'EN' },
    name: 'Study Planner',
    description: 'Assignments, lectures and study sessions from Study Planner.',
    ttl: 3600,
    x: zone ? [{ key: 'X-WR-TIMEZONE', value: zone.tzid }] : [],
  });
  // Only a generator, no calendar-level zone: ical-generator writes DTSTAMP in the calendar's
  // zone, and DTSTAMP must be UTC. Each zone the events use gets its VTIMEZONE from it.
  if (zone) calendar.timezone({ name: null, generator: () => zone.vtimezone });
  const event = (data: ICalEventData) =>
    calendar.createEvent({ ...data, timezone: zone?.tzid ?? null, start: at(data.start as Date) });

  for (const a of content.assignments) {
    event({
      id: `assignment-${a.id}@${UID_DOMAIN}`,
      // Due at one instant: DTSTART without DTEND (RFC 5545: the event ends where it starts).
      start: a.dueAt,
      summary: a.completedAt ? `✓ ${a.title}` : a.title,
      description: [`Due: ${a.courseName}`, a.description].filter(Boolean).join('\n\n'),
      categories: [{ name: 'Assignment' }, { name: a.courseName }],
      priority: PRIORITY[a.priority],
      stamp: a.updatedAt,
      created: a.createdAt,
      lastModified: a.updatedAt,
    });
  }
  for (const l of content.lectures) {
    // A single event today; a recurring lecture adds `repeating` (its RRULE) here.
    event({
      id: `lecture-${l.id}@${UID_DOMAIN}`,
      start: l.startsAt,
      end: at(l.endsAt),
      summary: l.title,
      description: l.courseName,
      location: l.location,
      categories: [{ name: 'Lecture' }, { name: l.courseName }],
      stamp: l.updatedAt,
      created: l.createdAt,
      lastModified: l.updatedAt,
    });
  }
  for (const s of content.studySessions) {
    event({
      id: `study-session-${s.id}@${UID_DOMAIN}`,
      start: s.startsAt,
      end: at(s.endsAt),
      summary: s.title,
      description: [s.courseName, s.notes].filter(Boolean).join('\n\n'),
      categories: [{ name: 'Study session' }, { name: s.courseName }],
      stamp: s.updatedAt,
      created: s.createdAt,
      lastModified: s.updatedAt,
    });
  }
  return calendar.toString();
}

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
 * zone (DTSTART;TZID=... with its VTIMEZONE); a lecture series is one VEVENT with its RRULE, in its
 * own zone, so that it expands in local time across DST changes. DTSTAMP and LAST-MODIFIED are the row's
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
  // A series keeps the zone it repeats in (it may differ from the owner's current one).
  const zones = new Map<string, { tzid: string; vtimezone: string } | null>([[content.timezone, zone]]);
  const zoneNamed = (timezone: string) => {
    if (!zones.has(timezone)) zones.set(timezone, zoneOf(timezone));
    return zones.get(timezone) ?? null;
  };
  for (const s of content.series) zoneNamed(s.timezone);
  const blocks = new Map([...zones.values()].flatMap((z) => (z ? [[z.tzid, z.vtimezone] as const] : [])));
  if (blocks.size > 0) calendar.timezone({ name: null, generator: (tzid) => blocks.get(tzid) ?? null });
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
    // A one-off lecture; the occurrences of a series are written with it below.
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
  for (const s of content.series) {
    // One VEVENT with the rule (not expanded), in the series' zone: a calendar expands it in local
    // time across DST changes. Cancelled occurrences are EXDATEs; each occurrence edited on its own
    // is a VEVENT of the same UID with the RECURRENCE-ID of the start the rule gives it.
    const z = zoneNamed(s.timezone);
    const local = (date: Date): Date => (z ? new TZDate(date.getTime(), z.tzid) : date);
    const uid = `lecture-series-${s.id}@${UID_DOMAIN}`;
    const exdate = s.cancelled.length
      ? `\nEXDATE${z ? `;TZID=${z.tzid}:` : ':'}${s.cancelled.map((d) => icalDateTime(d, z?.tzid ?? null)).join(',')}`
      : '';
    const common = {
      description: s.courseName,
      categories: [{ name: 'Lecture' }, { name: s.courseName }],
    };
    calendar.createEvent({
      ...common,
      id: uid,
      timezone: z?.tzid ?? null,
      start: local(s.firstStartsAt),
      end: local(s.firstEndsAt),
      repeating: `RRULE:${s.recurrence}${exdate}`,
      summary: s.title,
      location: s.location,
      stamp: s.updatedAt,
      created: s.createdAt,
      lastModified: s.updatedAt,
    });
    for (const { ruleStartsAt, lecture: l } of s.moved) {
      calendar.createEvent({
        ...common,
        id: ruleStartsAt ? uid : `lecture-${l.id}@${UID_DOMAIN}`,
        timezone: z?.tzid ?? null,
        start: local(l.startsAt),
        end: local(l.endsAt),
        ...(ruleStartsAt ? { recurrenceId: local(ruleStartsAt) } : {}),
        summary: l.title,
        location: l.location,
        stamp: l.updatedAt,
        created: l.createdAt,
        lastModified: l.updatedAt,
      });
    }
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

/** An instant as RFC 5545 DATE-TIME text: local time in `tzid` (for TZID=…), or UTC with Z. */
function icalDateTime(date: Date, tzid: string | null): string {
  const text = (d: Date) => d.toISOString().slice(0, 19).replace(/[-:]/g, '');
  if (!tzid) return `${text(date)}Z`;
  const local = new TZDate(date.getTime(), tzid);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${local.getFullYear()}${pad(local.getMonth() + 1)}${pad(local.getDate())}T${pad(local.getHours())}${pad(local.getMinutes())}${pad(local.getSeconds())}`;
}

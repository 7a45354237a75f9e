/**
 * Wall-clock arithmetic in a user's IANA time zone, for quiet hours and the daily digest.
 * Offsets come from Intl (the runtime's tz database), so daylight-saving changes are followed.
 */
import { zoneFormatter as formatter } from '../time-zone.js';

/** A calendar date and a time of day (minutes after midnight) on a wall clock. */
export interface LocalTime {
  year: number;
  /** 1 to 12. */
  month: number;
  day: number;
  /** Minutes after local midnight, 0 to 1439. */
  minutes: number;
}

/** The wall-clock date and time in `timeZone` at `instant`. */
export function localTime(instant: Date, timeZone: string): LocalTime {
  const parts = formatter(timeZone).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day'), minutes: get('hour') * 60 + get('minute') };
}

/** Minutes east of UTC that `timeZone` is at `instant`. */
function offsetMinutes(instant: Date, timeZone: string): number {
  const parts = formatter(timeZone).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The instant at which the wall clock in `timeZone` shows `local`. A time skipped by a
 * spring-forward change maps to the instant just after the gap (02:30 → 03:30); a time shown twice
 * in autumn maps to its first occurrence.
 */
export function zonedInstant(local: LocalTime, timeZone: string): Date {
  const wall = Date.UTC(local.year, local.month - 1, local.day) + local.minutes * 60_000;
  // The offsets in force half a day before and after: equal unless a change falls in between.
  const before = wall - offsetMinutes(new Date(wall - 43_200_000), timeZone) * 60_000;
  const after = wall - offsetMinutes(new Date(wall + 43_200_000), timeZone) * 60_000;
  const shows = (t: number) => {
    const l = localTime(new Date(t), timeZone);
    return l.year === local.year && l.month === local.month && l.day === local.day && l.minutes === local.minutes;
  };
  const valid = [before, after].filter(shows);
  // Shown twice: the first; never shown (a gap): the earlier offset lands just past the gap.
  return new Date(valid.length > 0 ? Math.min(...valid) : before);
}

/** The calendar date `days` after the date of `local` (time of day kept). */
export function addDays(local: LocalTime, days: number): LocalTime {
  const d = new Date(Date.UTC(local.year, local.month - 1, local.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), minutes: local.minutes };
}

/** "YYYY-MM-DD" of a local date. */
export function isoDay(local: LocalTime): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${local.year}-${pad(local.month)}-${pad(local.day)}`;
}

/** Quiet hours as minutes after local midnight; `start > end` spans midnight (22:00 to 07:00). */
export interface QuietHours {
  start: number;
  end: number;
}

/**
 * When email and push may go out: `instant` itself outside quiet hours, else the end of the quiet
 * hours it falls in (in `timeZone`, on the right side of midnight and of any DST change).
 */
export function afterQuietHours(instant: Date, timeZone: string, quiet: QuietHours | null): Date {
  if (!quiet || quiet.start === quiet.end) return instant;
  const local = localTime(instant, timeZone);
  const m = local.minutes;
  const spansMidnight = quiet.start > quiet.end;
  const inside = spansMidnight ? m >= quiet.start || m < quiet.end : m >= quiet.start && m < quiet.end;
  if (!inside) return instant;
  // The end is later today, or (past midnight's side of a span) tomorrow.
  const endDay = spansMidnight && m >= quiet.start ? addDays(local, 1) : local;
  const end = zonedInstant({ ...endDay, minutes: quiet.end }, timeZone);
  return end > instant ? end : instant;
}

/** "HH:MM" of minutes after midnight. */
export function formatClock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Minutes after midnight of "HH:MM" (00:00 to 23:59); null when it is not one. */
export function parseClock(text: string): number | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

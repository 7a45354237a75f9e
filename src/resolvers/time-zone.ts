/** Wall-clock reading of instants in IANA time zones (agenda days, quiet hours, the digest). */

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * One formatter per time zone: constructing an Intl.DateTimeFormat costs far more than using one.
 * A name the runtime does not know (the column is checked on input, but a tz database can drop a
 * zone) reads as UTC rather than failing a request or a whole job run.
 */
export function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    let zone = timeZone;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone });
    } catch {
      zone = 'UTC';
    }
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Minutes east of UTC that `timeZone` is at `instant`. */
export function offsetMinutes(instant: Date, timeZone: string): number {
  const parts = zoneFormatter(timeZone).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The instant at which the wall clock of `timeZone` reads `wallClock` (its UTC fields are the
 * local date and time). A time that does not exist (skipped by a DST change) lands after the gap,
 * at the same distance from its start, as RFC 5545 says for a DTSTART that falls in one; a time
 * that exists twice (the hour repeated in autumn) is its first occurrence.
 */
export function wallClockToInstant(wallClock: Date, timeZone: string): Date {
  const wall = wallClock.getTime();
  // The offset in force just before and just after the moment: they differ only around a change.
  const before = offsetMinutes(new Date(wall - 86_400_000), timeZone);
  const after = offsetMinutes(new Date(wall + 86_400_000), timeZone);
  for (const offset of before === after ? [before] : [before, after]) {
    const instant = new Date(wall - offset * 60_000);
    if (offsetMinutes(instant, timeZone) === offset) return instant;
  }
  // In a gap: neither offset reads back; the earlier offset places it past the gap.
  return new Date(wall - before * 60_000);
}

/** The wall clock of `timeZone` at `instant`, as a Date whose UTC fields are the local date and time. */
export function instantToWallClock(instant: Date, timeZone: string): Date {
  return new Date(instant.getTime() + offsetMinutes(instant, timeZone) * 60_000);
}

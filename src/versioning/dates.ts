/** Calendar days as `YYYY-MM-DD`, read strictly, and the instants they stand for (UTC). */

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** 00:00 UTC of a `YYYY-MM-DD` day, or null when the text is not a real calendar day. */
export function parseDay(text: string): Date | null {
  const match = DAY.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const instant = new Date(Date.UTC(year, month - 1, day));
  return instant.getUTCFullYear() === year && instant.getUTCMonth() === month - 1 && instant.getUTCDate() === day
    ? instant
    : null;
}

/** The UTC calendar day of an instant, `YYYY-MM-DD`. */
export function dayOf(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/**
 * Whether a sunset day has come: from 00:00 UTC on the sunset day, the deprecated element may
 * be removed and the sunset policy applies to it. An unreadable day never counts as passed.
 */
export function isPastSunset(sunset: string, now: Date): boolean {
  const at = parseDay(sunset);
  return at !== null && now.getTime() >= at.getTime();
}

/** The calendar day of `instant` in an IANA time zone, `YYYY-MM-DD`; an unknown zone reads as UTC. */
export function localDay(instant: Date, timeZone: string | null | undefined): string {
  try {
    // en-CA formats dates as YYYY-MM-DD.
    return new Intl.DateTimeFormat('en-CA', {
      timeZone: timeZone ?? 'UTC',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(instant);
  } catch {
    return dayOf(instant);
  }
}

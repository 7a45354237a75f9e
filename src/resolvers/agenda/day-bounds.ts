import { offsetMinutes } from '../time-zone.js';

/** The day last computed per time zone: every request of that day in that zone reuses it. */
const lastDay = new Map<string, { from: Date; to: Date }>();

/** The start and end (exclusive) of the calendar day that contains `now` in `timeZone`. */
export function dayBounds(now: Date, timeZone: string): { from: Date; to: Date } {
  const known = lastDay.get(timeZone);
  if (known && now >= known.from && now < known.to) return { from: new Date(known.from), to: new Date(known.to) };
  const day = computeDayBounds(now, timeZone);
  lastDay.set(timeZone, day);
  return { from: new Date(day.from), to: new Date(day.to) };
}

function computeDayBounds(now: Date, timeZone: string): { from: Date; to: Date } {
  const local = new Date(now.getTime() + offsetMinutes(now, timeZone) * 60_000);
  const midnightAsUtc = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  const startOf = (wallClockUtc: number) => {
    // Correct the guess by the offset in force at that instant (DST changes the offset).
    const guess = new Date(wallClockUtc - offsetMinutes(new Date(wallClockUtc), timeZone) * 60_000);
    return new Date(wallClockUtc - offsetMinutes(guess, timeZone) * 60_000);
  };
  return { from: startOf(midnightAsUtc), to: startOf(midnightAsUtc + 86_400_000) };
}

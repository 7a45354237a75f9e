import rrule from 'rrule';
import { ValidationError } from '../../errors.js';
import { instantToWallClock, wallClockToInstant } from '../time-zone.js';

const { RRule } = rrule;
type Options = ReturnType<typeof RRule.parseString>;

/** A series holds at most this many occurrences (a term of four lectures a week is ~60). */
export const MAX_OCCURRENCES = 400;
/** and spans at most this many days from its first start: expansion is bounded, an end is required. */
export const MAX_SERIES_DAYS = 366;
const DAY_MS = 86_400_000;

/** One occurrence of a series: its day in the series' zone and its window as instants. */
export interface Occurrence {
  /** The local day (UTC midnight of that date): the key of the occurrence's row. */
  date: Date;
  startsAt: Date;
  endsAt: Date;
}

/** What is accepted: a daily or weekly rule with an end, in the terms of RFC 5545's RRULE. */
const ALLOWED = new Set(['FREQ', 'INTERVAL', 'UNTIL', 'COUNT', 'BYDAY', 'WKST']);
const FREQS = new Map([
  ['DAILY', RRule.DAILY],
  ['WEEKLY', RRule.WEEKLY],
]);

/**
 * A recurrence rule as the API takes it: an RFC 5545 RRULE value ("FREQ=WEEKLY;BYDAY=MO,WE;
 * UNTIL=20270131T235959Z", an optional "RRULE:" prefix), daily or weekly, with INTERVAL, BYDAY,
 * WKST and an end (UNTIL or COUNT). UNTIL may be a UTC date-time (…Z), a local date-time or a date
 * (its whole day counts), both read in the series' time zone. BAD_USER_INPUT otherwise.
 */
export interface RecurrenceRule {
  options: Options;
  /** The last local wall-clock time an occurrence may start at (UNTIL), if the rule has one. */
  untilWallClock: Date | null;
}

export function parseRecurrence(text: string, timeZone: string): RecurrenceRule {
  const value = text.trim().replace(/^RRULE:/i, '');
  if (value.length === 0 || value.length > 200 || /[\r\n]/.test(value)) {
    throw new ValidationError('recurrence must be an RRULE value of at most 200 characters.', 'recurrence');
  }
  const parts = new Map<string, string>();
  for (const part of value.split(';')) {
    const [key, val, ...rest] = part.split('=');
    const name = (key ?? '').toUpperCase();
    if (!val || rest.length > 0 || !ALLOWED.has(name) || parts.has(name)) {
      throw new ValidationError(
        `recurrence: "${part}" is not supported (use ${[...ALLOWED].join(', ')}, each once).`,
        'recurrence',
      );
    }
    parts.set(name, val.toUpperCase());
  }
  if (!FREQS.has(parts.get('FREQ') ?? '')) {
    throw new ValidationError('recurrence: FREQ must be DAILY or WEEKLY.', 'recurrence');
  }
  if (parts.has('UNTIL') === parts.has('COUNT')) {
    throw new ValidationError('recurrence needs an end: exactly one of UNTIL and COUNT.', 'recurrence');
  }
  let options: Options;
  try {
    options = RRule.parseString(value);
  } catch {
    throw new ValidationError('recurrence is not a valid RRULE.', 'recurrence');
  }
  const interval = options.interval ?? 1;
  if (!Number.isInteger(interval) || interval < 1 || interval > 52) {
    throw new ValidationError('recurrence: INTERVAL must be from 1 to 52.', 'recurrence');
  }
  if (options.count != null && (!Number.isInteger(options.count) || options.count < 1)) {
    throw new ValidationError('recurrence: COUNT must be a positive integer.', 'recurrence');
  }
  let untilWallClock: Date | null = null;
  const until = parts.get('UNTIL');
  if (until) {
    if (!options.until || Number.isNaN(options.until.getTime())) {
      throw new ValidationError('recurrence: UNTIL is not a date or date-time.', 'recurrence');
    }
    // rrule reads every form as UTC fields; a local one is the zone's wall clock already.
    if (until.endsWith('Z')) untilWallClock = instantToWallClock(options.until, timeZone);
    else if (/^\d{8}$/.test(until)) untilWallClock = new Date(options.until.getTime() + DAY_MS - 1000);
    else untilWallClock = options.until;
  }
  return { options: { ...options, until: null, tzid: null, dtstart: null }, untilWallClock };
}

/**
 * The rule as stored and as the calendar feed writes it: RFC 5545 form, UNTIL as a UTC date-time
 * (required there when DTSTART has a time zone).
 */
export function normalizeRecurrence(rule: RecurrenceRule, timeZone: string): string {
  const until = rule.untilWallClock ? wallClockToInstant(rule.untilWallClock, timeZone) : null;
  return new RRule({ ...rule.options, until }).toString().replace(/^RRULE:/, '');
}

/**
 * The occurrences of a series whose first start is `startsAt` (its wall-clock time in `timeZone`
 * is every occurrence's), each `endsAt - startsAt` of wall-clock time long: a 10:00 lecture stays
 * at 10:00 local across a DST change. The rule places days from the first start's day on (that
 * day only if it matches). BAD_USER_INPUT when it yields none, more than MAX_OCCURRENCES, or runs
 * past MAX_SERIES_DAYS.
 */
export function expandOccurrences(
  rule: RecurrenceRule,
  series: { startsAt: Date; endsAt: Date; timeZone: string },
): Occurrence[] {
  const first = instantToWallClock(series.startsAt, series.timeZone);
  const length = instantToWallClock(series.endsAt, series.timeZone).getTime() - first.getTime();
  const last = new Date(first.getTime() + MAX_SERIES_DAYS * DAY_MS);
  const generator = new RRule({ ...rule.options, dtstart: first, until: rule.untilWallClock });
  // Floating times: rrule works on the UTC fields, which are the zone's wall clock here.
  const wallClocks = generator.all((date, i) => i <= MAX_OCCURRENCES && date <= last);
  if (wallClocks.length === 0) throw new ValidationError('recurrence yields no occurrence.', 'recurrence');
  if (wallClocks.length > MAX_OCCURRENCES || generator.after(last, true) !== null) {
    throw new ValidationError(
      `recurrence must end within ${MAX_SERIES_DAYS} days and ${MAX_OCCURRENCES} occurrences of the first start.`,
      'recurrence',
    );
  }
  return wallClocks.map((wall) => ({
    date: new Date(Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate())),
    startsAt: wallClockToInstant(wall, series.timeZone),
    endsAt: wallClockToInstant(new Date(wall.getTime() + length), series.timeZone),
  }));
}

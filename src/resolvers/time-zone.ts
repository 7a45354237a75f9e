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

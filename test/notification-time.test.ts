import { describe, expect, it } from '@jest/globals';
import {
  afterQuietHours,
  localTime,
  parseClock,
  zonedInstant,
} from '../src/resolvers/notifications/notification-time.js';

describe('wall-clock arithmetic for quiet hours and the digest', () => {
  it('maps local times to instants across DST changes', () => {
    const berlin = 'Europe/Berlin';
    expect(zonedInstant({ year: 2026, month: 7, day: 1, minutes: 7 * 60 }, berlin)).toEqual(
      new Date('2026-07-01T05:00:00Z'),
    );
    expect(zonedInstant({ year: 2026, month: 1, day: 15, minutes: 7 * 60 }, berlin)).toEqual(
      new Date('2026-01-15T06:00:00Z'),
    );
    // 02:30 does not exist on 29 March: the instant just past the gap (03:30 CEST).
    expect(zonedInstant({ year: 2026, month: 3, day: 29, minutes: 150 }, berlin)).toEqual(
      new Date('2026-03-29T01:30:00Z'),
    );
    // 02:30 happens twice on 25 October: the first one (CEST).
    expect(zonedInstant({ year: 2026, month: 10, day: 25, minutes: 150 }, berlin)).toEqual(
      new Date('2026-10-25T00:30:00Z'),
    );
  });

  it('ends quiet hours at the right instant, spanning midnight or not', () => {
    const ny = 'America/New_York';
    const night = { start: 22 * 60, end: 7 * 60 };
    // 23:00 EDT on Saturday 31 October → 07:00 EST on Sunday 1 November (clocks went back: 12:00Z).
    expect(afterQuietHours(new Date('2026-11-01T03:00:00Z'), ny, night)).toEqual(new Date('2026-11-01T12:00:00Z'));
    // 05:00 EST, after midnight → 07:00 the same day.
    expect(afterQuietHours(new Date('2026-11-02T10:00:00Z'), ny, night)).toEqual(new Date('2026-11-02T12:00:00Z'));
    // Outside: unchanged.
    expect(afterQuietHours(new Date('2026-11-02T15:00:00Z'), ny, night)).toEqual(new Date('2026-11-02T15:00:00Z'));
    // A daytime span (13:00–14:00 in Kolkata, +05:30).
    expect(afterQuietHours(new Date('2026-11-02T07:45:00Z'), 'Asia/Kolkata', { start: 13 * 60, end: 14 * 60 })).toEqual(
      new Date('2026-11-02T08:30:00Z'),
    );
    expect(afterQuietHours(new Date('2026-11-02T07:45:00Z'), ny, null)).toEqual(new Date('2026-11-02T07:45:00Z'));
  });

  it('reads an unknown zone as UTC, and parses HH:MM strictly', () => {
    expect(localTime(new Date('2026-11-02T07:45:00Z'), 'Not/AZone')).toEqual({
      year: 2026,
      month: 11,
      day: 2,
      minutes: 465,
    });
    expect([
      parseClock('07:00'),
      parseClock('23:59'),
      parseClock('24:00'),
      parseClock('7:00'),
      parseClock('ab'),
    ]).toEqual([420, 1439, null, null, null]);
  });
});

import { GraphQLScalarType } from 'graphql';
import { DateTimeResolver, EmailAddressResolver, JSONResolver, TimeZoneResolver } from 'graphql-scalars';
import { builder } from './builder.js';

/** The first and last instants RFC 3339 can write (four-digit years). */
export const EARLIEST_DATE_TIME = new Date('0000-01-01T00:00:00.000Z');
export const LATEST_DATE_TIME = new Date('9999-12-31T23:59:59.999Z');

/** A stored instant as a Date: a Date, epoch milliseconds, or a timestamp text as PostgreSQL writes it (any year). */
function asDate(value: unknown): Date | null {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  if (typeof value !== 'string') return null;
  // PostgreSQL writes years past 9999 with five or more digits and no sign; JavaScript wants `+0YYYYY`.
  const extended = /^(\d{5,6})(-.*)$/.exec(value);
  const date = new Date(extended ? `+${extended[1]!.padStart(6, '0')}${extended[2]!}` : value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * graphql-scalars' DateTime, except that an instant outside what RFC 3339 can write (a year past
 * 9999 or before 0, stored before inputs were range-checked) is answered as the nearest one it
 * can (9999-12-31T23:59:59.999Z: "in the far future") rather than failing the whole read.
 */
builder.addScalarType(
  'DateTime',
  new GraphQLScalarType({
    ...DateTimeResolver.toConfig(),
    serialize(value) {
      // Prisma reads a timestamp past year 9999 as an invalid Date: PostgreSQL stores any valid
      // timestamp and writes only let in years 0 to 9999 plus such far-future values of old.
      if (value instanceof Date && Number.isNaN(value.getTime())) return DateTimeResolver.serialize(LATEST_DATE_TIME);
      const date = asDate(value);
      if (date && date > LATEST_DATE_TIME) return DateTimeResolver.serialize(LATEST_DATE_TIME);
      if (date && date < EARLIEST_DATE_TIME) return DateTimeResolver.serialize(EARLIEST_DATE_TIME);
      return DateTimeResolver.serialize(value);
    },
  }),
  {},
);
builder.addScalarType('EmailAddress', EmailAddressResolver, {});
builder.addScalarType('TimeZone', TimeZoneResolver, {});
builder.addScalarType('JSON', JSONResolver, {});

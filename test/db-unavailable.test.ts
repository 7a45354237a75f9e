import { describe, expect, it } from '@jest/globals';
import { isDatabaseUnavailable } from '../src/db/unavailable.js';

// The shapes seen through the proxy (test/hardening-database.test.ts).
const adapterError = (cause: Record<string, unknown>) =>
  Object.assign(new Error('Invalid `prisma.$queryRaw()` invocation'), {
    code: 'P2010',
    meta: { driverAdapterError: { name: 'DriverAdapterError', cause } },
  });

describe('isDatabaseUnavailable', () => {
  it('recognises a database that is away or too slow', () => {
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Query read timeout'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code: 'P2028' }))).toBe(true);
    expect(isDatabaseUnavailable(adapterError({ kind: 'postgres', originalCode: '57014' }))).toBe(true);
    expect(isDatabaseUnavailable(adapterError({ kind: 'ConnectionClosed' }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('outer', { cause: new Error('connect ECONNREFUSED 127.0.0.1:5432') }))).toBe(
      true,
    );
  });

  it('leaves bugs and bad statements alone', () => {
    expect(isDatabaseUnavailable(new Error('Cannot read properties of undefined'))).toBe(false);
    expect(isDatabaseUnavailable(adapterError({ kind: 'postgres', originalCode: '22021' }))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code: 'P2002' }))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { codePath, ErrorLog, fingerprintOf } from '../src/observability/error-log.js';
import { createLogger } from '../src/observability/logger.js';
import { pruneErrorLogJob } from '../src/jobs/prune-error-log.js';
import { runJob } from '../src/jobs/runner.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createUser } from './helpers/factories.js';

/** JSON log lines, as production writes them. */
const lines: Record<string, unknown>[] = [];
const logger = createLogger(
  'info',
  {},
  { destination: { write: (line: string) => void lines.push(JSON.parse(line)) } },
);

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ logger });
});
afterAll(async () => {
  await app?.close();
});

const ERRORS = `query Errors($since: DateTime, $first: Int) {
  errors(since: $since, first: $first) {
    totalCount
    edges { node { fingerprint errorName message count firstSeenAt lastSeenAt sampleRequestId sampleOperation samplePath } }
  }
}`;

/** Breaks the column under `me { timezone }` while `run` runs (this suite owns its database). */
async function withBrokenTimezone<T>(run: () => Promise<T>): Promise<T> {
  await app.db.$executeRawUnsafe('ALTER TABLE "User" RENAME COLUMN "timezone" TO "tz_broken"');
  try {
    return await run();
  } finally {
    await app.db.$executeRawUnsafe('ALTER TABLE "User" RENAME COLUMN "tz_broken" TO "timezone"');
  }
}

describe('request id', () => {
  it('echoes the client’s x-request-id, and generates one when there is none', async () => {
    const given = await app.gql('query Ping { __typename }', {}, undefined, { 'x-request-id': 'client-req-42' });
    expect(given.headers.get('x-request-id')).toBe('client-req-42');
    const generated = await app.gql('{ __typename }');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    // A header that is not a sane token is replaced, not echoed.
    const odd = await app.gql('{ __typename }', {}, undefined, { 'x-request-id': 'a b\tc' });
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('is in the masked error, the response header and every log line of the request', async () => {
    const user = await createUser(app.db);
    const token = await app.tokens.issue(user.id);
    const headers = { 'x-request-id': 'trace-me-7', 'graphql-client-name': 'web', 'graphql-client-version': '1.4.0' };
    const res = await withBrokenTimezone(() => app.gql('query MyZone { me { timezone } }', {}, token, headers));
    expect(res.errors?.[0]?.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: 'trace-me-7' });
    expect(res.headers.get('x-request-id')).toBe('trace-me-7');

    const mine = lines.filter((l) => l.requestId === 'trace-me-7');
    const resolverLine = mine.find((l) => l.msg === 'unexpected error in resolver');
    expect(resolverLine).toMatchObject({
      level: 50,
      operationName: 'MyZone',
      viewerId: user.id,
      client: { name: 'web', version: '1.4.0' },
      path: 'me',
    });
    expect(mine.find((l) => l.msg === 'graphql request')).toMatchObject({
      operationName: 'MyZone',
      operationType: 'query',
      client: 'web',
      clientVersion: '1.4.0',
      status: 200,
      durationMs: expect.any(Number),
    });
  });
});

describe('error log', () => {
  it('stores each unexpected error once per fingerprint, with a count and the latest request', async () => {
    const user = await createUser(app.db);
    const token = await app.tokens.issue(user.id);
    // The app's clock stands still in tests: errors are stamped with it.
    const since = new Date(app.clock.now.getTime() - 1000);
    await app.observability.errorLog.flush();
    const earlier = await app.db.errorLogEntry.findFirst({ where: { sampleOperation: 'MyZone' } });
    await withBrokenTimezone(async () => {
      await app.gql('query ZoneA { me { timezone } }', {}, token, { 'x-request-id': 'first-1' });
      await app.gql('query ZoneB { me { timezone } }', {}, token, { 'x-request-id': 'second-2' });
    });
    await app.observability.errorLog.flush();
    const admin = await createUser(app.db, { role: 'ADMIN' });
    const res = await app.gql(ERRORS, { since: since.toISOString(), first: 10 }, await app.tokens.issue(admin.id));
    expect(res.errors).toBeUndefined();
    const entries = res.data!.errors.edges.map((e: { node: Record<string, unknown> }) => e.node);
    const zone = entries.filter((e: { sampleOperation: string }) => /^Zone/.test(e.sampleOperation));
    expect(zone).toHaveLength(1);
    // The same failure as the request-id test's (MyZone), if it ran: one row for all of them.
    if (earlier) expect(zone[0].fingerprint).toBe(earlier.fingerprint);
    const base = earlier?.count ?? 0;
    expect(zone[0]).toMatchObject({
      count: base + 2,
      sampleRequestId: 'second-2',
      sampleOperation: 'ZoneB',
      samplePath: 'me',
      message: expect.stringContaining('timezone'),
    });

    // Later occurrences add to the stored row.
    await withBrokenTimezone(() => app.gql('query ZoneC { me { timezone } }', {}, token));
    await app.observability.errorLog.flush();
    const again = await app.gql(ERRORS, { since: since.toISOString() }, await app.tokens.issue(admin.id));
    const row = again.data!.errors.edges.find(
      (e: { node: { fingerprint: string } }) => e.node.fingerprint === zone[0].fingerprint,
    );
    expect(row.node).toMatchObject({ count: base + 3, sampleOperation: 'ZoneC' });
    // since: later than every entry, nothing.
    const none = await app.gql(ERRORS, { since: '2999-01-01T00:00:00Z' }, await app.tokens.issue(admin.id));
    expect(none.data!.errors).toEqual({ totalCount: 0, edges: [] });
  });

  it('is for admins only', async () => {
    const user = await createUser(app.db);
    const res = await app.gql(ERRORS, {}, await app.tokens.issue(user.id));
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await app.gql(ERRORS, {});
    expect(['FORBIDDEN', 'UNAUTHENTICATED']).toContain(anonymous.errors?.[0]?.extensions?.code);
  });

  it('fingerprints by name, message with ids blanked and code path', () => {
    const make = (message: string) => {
      const err = new Error(message);
      err.stack = `Error: ${message}\n    at load (/app/dist/resolvers/x.js:10:5)\n    at run (/app/dist/y.js:3:1)`;
      return err;
    };
    expect(fingerprintOf(make('course 12 missing'))).toBe(fingerprintOf(make('course 345 missing')));
    expect(fingerprintOf(make('course 12 missing'))).not.toBe(fingerprintOf(make('lecture 12 missing')));
    expect(codePath(make('x').stack)).toEqual(['load (x.js)', 'run (y.js)']);
  });

  it('never fails the caller: a failed write keeps the counts for the next one', async () => {
    const broken = new ErrorLog({ db: app.db, logger: createLogger('silent') });
    await app.db.$executeRawUnsafe('ALTER TABLE "ErrorLogEntry" RENAME TO "ErrorLogEntry_away"');
    try {
      expect(() =>
        broken.record(new Error('kept for later'), { requestId: 'r-1', operation: null }, new Date()),
      ).not.toThrow();
      await expect(broken.flush()).rejects.toThrow();
    } finally {
      await app.db.$executeRawUnsafe('ALTER TABLE "ErrorLogEntry_away" RENAME TO "ErrorLogEntry"');
    }
    expect(await broken.flush()).toBe(1);
    const row = await app.db.errorLogEntry.findFirst({ where: { message: 'kept for later' } });
    expect(row).toMatchObject({ count: 1, sampleRequestId: 'r-1' });
  });

  it('is pruned by its job once not seen for the retention period', async () => {
    const old = new Date(Date.now() - 40 * 86_400_000);
    await app.db.errorLogEntry.create({
      data: {
        fingerprint: `old-${Date.now()}`,
        errorName: 'Error',
        message: 'ancient',
        firstSeenAt: old,
        lastSeenAt: old,
        sampleRequestId: 'r-old',
      },
    });
    const result = await runJob(
      { db: app.db, logger: createLogger('silent') },
      pruneErrorLogJob({ retentionDays: 30 }),
    );
    expect(result).toMatchObject({ rowsTouched: 1, error: null });
    expect(await app.db.errorLogEntry.count({ where: { message: 'ancient' } })).toBe(0);
  });
});

describe('/ready', () => {
  it('says degraded with reasons (still 200) when dead letters or outbox lag pass their thresholds', async () => {
    const event = await app.db.outboxEvent.create({
      data: { type: 'test.lagging', payload: {}, occurredAt: new Date(Date.now() - 3_600_000) },
    });
    try {
      const res = await app.fetch('/ready');
      expect(res.status).toBe(200);
      const body = (await res.json()) as { status: string; reasons: string[] };
      expect(body.status).toBe('degraded');
      expect(body.reasons).toEqual([expect.stringMatching(/^outbox lag: oldest pending event is \d+ s old$/)]);
    } finally {
      await app.db.outboxEvent.update({ where: { id: event.id }, data: { processedAt: new Date() } });
    }
    expect(await (await app.fetch('/ready')).json()).toEqual({ status: 'ready' });
  });

  it('names dead letters as a reason until they are retried', async () => {
    const event = await app.db.outboxEvent.create({
      data: { type: 'test.dead', payload: {}, processedAt: new Date() },
    });
    const delivery = await app.db.eventDelivery.create({
      data: { eventId: event.id, handler: 'test-dead', status: 'DEAD', attempts: 3, nextAttemptAt: new Date() },
    });
    try {
      const res = await app.fetch('/ready');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        status: 'degraded',
        reasons: ['dead letters: 1 event deliveries need an operator (query deadLetters)'],
      });
    } finally {
      await app.db.eventDelivery.update({ where: { id: delivery.id }, data: { status: 'SUCCEEDED' } });
    }
    expect(await (await app.fetch('/ready')).json()).toEqual({ status: 'ready' });
  });
});

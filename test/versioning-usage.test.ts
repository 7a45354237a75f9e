import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { defaultVersioningConfig, type Config } from '../src/config.js';
import { createTestApp, serverBeside, globalId as gid, type TestApp } from './helpers/app.js';
import { createCourse, createUser } from './helpers/factories.js';

let app: TestApp;
const statements: string[] = [];
beforeAll(async () => {
  app = await createTestApp({ onQuery: (sql) => statements.push(sql) });
});
afterAll(async () => {
  await app?.close();
});
// Every test runs on the test clock, never on today's date: tokens are minted at the clock the
// requests then run at, and the sunsets below are compared with it. Before both sunsets by default.
beforeEach(() => {
  app.clock.now = new Date('2027-01-15T12:00:00Z');
});

const client = (name: string, version: string) => ({ 'graphql-client-name': name, 'graphql-client-version': version });

/** Another server on the same database and clock, with its own versioning settings. */
function serverWith(versioning: Partial<Config['versioning']>) {
  const server = serverBeside(app, { versioning: { ...defaultVersioningConfig, ...versioning } });
  const gql = async (query: string, token?: string) => {
    const res = await server.yoga.fetch('http://test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query }),
    });
    return (await res.json()) as { data?: any; errors?: { message: string; extensions: Record<string, unknown> }[] };
  };
  return Object.assign(gql, { server });
}

async function usageOf(clientName: string) {
  const rows = await app.db.deprecatedFieldUsage.findMany({
    where: { clientName },
    orderBy: [{ coordinate: 'asc' }, { clientVersion: 'asc' }],
  });
  return rows.map((r) => ({ ...r, count: Number(r.count) }));
}

async function student() {
  const user = await createUser(app.db);
  const course = await createCourse(app.db, user.id);
  return { user, courseId: gid('Course', course.id), token: await app.tokens.issue(user.id) };
}

/** Moves the test clock to `iso` and mints a token for `userId` there (tokens live an hour). */
async function tokenAt(iso: string, userId: string) {
  app.clock.now = new Date(iso);
  return app.tokens.issue(userId);
}

describe('usage of deprecated coordinates', () => {
  it('is counted per client from real requests, in memory, and written by one flush', async () => {
    app.clock.now = new Date('2026-12-01T10:00:00Z');
    const { token, courseId } = await student();
    const inBatch = statements.length;
    await app.gql('{ me { name } }', {}, token, client('usage-ios', '2.1.0'));
    await app.gql('{ me { name } }', {}, token, client('usage-ios', '2.1.0'));
    // A fragment inside a fragment, and a deprecated input field given only in the variables.
    await app.gql(
      `mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) { ...Card } }
       fragment Card on User { ...Name } fragment Name on User { name }`,
      { input: { name: 'Ada Lovelace' } },
      token,
      client('usage-android', '1.4.0'),
    );
    await app.gql(
      'query ($c: ID) { assignments(courseId: $c) { totalCount } }',
      { c: courseId },
      token,
      client('usage-ios', '2.2.0'),
    );
    await app.gql('{ me { firstName } }', {}, token, client('usage-ios', '2.1.0'));
    // The profile update's event handlers run after its commit: let them finish, so the flush
    // window below holds the flush's statements only.
    await app.bus.idle();
    // Nothing is written per request.
    expect(statements.slice(inBatch).filter((s) => s.includes('DeprecatedFieldUsage'))).toEqual([]);

    const beforeFlush = statements.length;
    await app.server.deprecationUsage.flush();
    expect(statements.slice(beforeFlush)).toEqual([
      expect.stringMatching(/INSERT INTO "DeprecatedFieldUsage"[\s\S]*INSERT INTO "DeprecatedFieldUsageDay"/),
    ]);
    const at = new Date('2026-12-01T10:00:00Z');
    expect(await usageOf('usage-ios')).toEqual([
      expect.objectContaining({ coordinate: 'Query.assignments(courseId:)', clientVersion: '2.2.0', count: 1 }),
      expect.objectContaining({
        coordinate: 'User.name',
        clientVersion: '2.1.0',
        count: 2,
        firstSeenAt: at,
        lastSeenAt: at,
      }),
    ]);
    expect(await usageOf('usage-android')).toEqual([
      expect.objectContaining({ coordinate: 'UpdateProfileInput.name', clientVersion: '1.4.0', count: 1 }),
      expect.objectContaining({ coordinate: 'User.name', clientVersion: '1.4.0', count: 1 }),
    ]);
  });

  it('adds a later batch to the stored counts and moves lastSeenAt', async () => {
    const { user } = await student();
    let token = await tokenAt('2026-12-02T09:00:00Z', user.id);
    await app.gql('{ me { name } }', {}, token, client('usage-web', '3.0.0'));
    await app.server.deprecationUsage.flush();
    token = await tokenAt('2026-12-03T09:00:00Z', user.id);
    await app.gql('{ me { name } }', {}, token, client('usage-web', '3.0.0'));
    await app.gql('{ me { name } }', {}, token, client('usage-web', '3.0.0'));
    await app.server.deprecationUsage.flush();
    expect(await usageOf('usage-web')).toEqual([
      expect.objectContaining({
        coordinate: 'User.name',
        count: 3,
        firstSeenAt: new Date('2026-12-02T09:00:00Z'),
        lastSeenAt: new Date('2026-12-03T09:00:00Z'),
      }),
    ]);
    expect(await app.server.deprecationUsage.flush()).toBe(0);
    // Per UTC day too (schema:check's usage window), also when one batch spans midnight.
    token = await tokenAt('2026-12-03T23:59:00Z', user.id);
    await app.gql('{ me { name } }', {}, token, client('usage-web', '3.0.0'));
    app.clock.now = new Date('2026-12-04T00:01:00Z');
    await app.gql('{ me { name } }', {}, token, client('usage-web', '3.0.0'));
    await app.server.deprecationUsage.flush();
    const days = await app.db.deprecatedFieldUsageDay.findMany({
      where: { clientName: 'usage-web' },
      orderBy: { day: 'asc' },
    });
    expect(days.map((d) => [d.coordinate, d.clientVersion, d.day.toISOString().slice(0, 10), Number(d.count)])).toEqual(
      [
        ['User.name', '3.0.0', '2026-12-02', 1],
        ['User.name', '3.0.0', '2026-12-03', 3],
        ['User.name', '3.0.0', '2026-12-04', 1],
      ],
    );
    expect((await usageOf('usage-web'))[0]).toMatchObject({ count: 5, lastSeenAt: new Date('2026-12-04T00:01:00Z') });
  });

  it('is written when the server shuts down', async () => {
    const { server } = serverWith({ usageFlushIntervalMs: 3_600_000 });
    const url = await server.listen(0, '127.0.0.1');
    const { token } = await student();
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        ...client('usage-shutdown', '1.0.0'),
      },
      body: JSON.stringify({ query: '{ me { name } }' }),
    });
    expect(res.status).toBe(200);
    expect(await usageOf('usage-shutdown')).toEqual([]);
    await server.close();
    expect(await usageOf('usage-shutdown')).toEqual([expect.objectContaining({ coordinate: 'User.name', count: 1 })]);
  });

  it('counts requests without client headers as unknown', async () => {
    const { token } = await student();
    await app.gql('{ me { name } }', {}, token);
    await app.server.deprecationUsage.flush();
    expect(await usageOf('unknown')).toEqual([
      expect.objectContaining({ coordinate: 'User.name', clientVersion: 'unknown' }),
    ]);
  });

  it('is listed for admins by deprecatedUsage, filtered by coordinate', async () => {
    const { token } = await student();
    await app.gql('{ me { name } }', {}, token, client('usage-list', '1.0.0'));
    await app.server.deprecationUsage.flush();
    const admin = await app.tokens.issue((await createUser(app.db, { role: 'ADMIN' })).id);
    const query = `{ deprecatedUsage(coordinate: "User.name") {
      coordinate clientName clientVersion count firstSeenAt lastSeenAt } }`;
    const res = await app.gql<any>(query, {}, admin);
    expect(res.data.deprecatedUsage).toContainEqual(
      expect.objectContaining({ coordinate: 'User.name', clientName: 'usage-list', clientVersion: '1.0.0', count: 1 }),
    );
    expect(res.data.deprecatedUsage.every((r: { coordinate: string }) => r.coordinate === 'User.name')).toBe(true);
    expect((await app.gql(query, {}, token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await app.gql(query)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('a response that touched deprecated coordinates', () => {
  it('lists them in extensions.deprecations and sends Deprecation and Sunset headers for the earliest', async () => {
    const { token, courseId } = await student();
    const res = await app.gql<any>(
      'query ($c: ID) { me { name } assignments(courseId: $c) { totalCount } }',
      { c: courseId },
      token,
    );
    const body = (await (
      await app.fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ me { name } }' }),
      })
    ).json()) as { extensions?: unknown };
    expect(body.extensions).toEqual({
      deprecations: [{ coordinate: 'User.name', replacement: 'firstName and lastName', sunset: '2027-06-01' }],
    });
    expect(res.data.me.name).toBeDefined();
    // Deprecated on 2026-11-25; the earliest sunset of the two is the argument's, 2027-03-01.
    expect(res.headers.get('deprecation')).toBe(`@${Date.UTC(2026, 10, 25) / 1000}`);
    expect(res.headers.get('sunset')).toBe('Mon, 01 Mar 2027 00:00:00 GMT');
  });

  it('is plain when nothing deprecated was touched', async () => {
    const { token } = await student();
    const res = await app.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { firstName lastName } }' }),
    });
    expect(await res.json()).not.toHaveProperty('extensions');
    expect(res.headers.get('deprecation')).toBeNull();
    expect(res.headers.get('sunset')).toBeNull();
  });
});

describe('past the sunset day', () => {
  const afterSunset = new Date('2027-06-01T00:00:00Z');

  it('warn (the default) keeps serving, with the warning', async () => {
    app.clock.now = afterSunset;
    const { token } = await student();
    const res = await app.gql<any>('{ me { name } }', {}, token);
    expect(res.errors).toBeUndefined();
    expect(res.data.me.name).toBe('Sam Student');
    expect(res.headers.get('sunset')).toBe('Tue, 01 Jun 2027 00:00:00 GMT');
  });

  it('reject fails the operation before it runs, naming the coordinate and the replacement', async () => {
    const gql = serverWith({ sunsetPolicy: 'reject' });
    app.clock.now = new Date('2027-05-31T23:59:59Z');
    const before = await gql('{ me { name } }', (await student()).token);
    expect(before.data.me.name).toBe('Sam Student');

    app.clock.now = afterSunset;
    const { token } = await student();
    const res = await gql(`mutation { updateProfile(input: { firstName: "Changed" }) { name } }`, token);
    expect(res.data ?? null).toBeNull();
    expect(res.errors).toEqual([
      {
        message:
          'User.name reached its sunset on 2027-06-01 and is no longer served: use firstName and lastName instead.',
        extensions: {
          code: 'DEPRECATED_FIELD_SUNSET',
          coordinate: 'User.name',
          replacement: 'firstName and lastName',
          sunset: '2027-06-01',
        },
      },
    ]);
    // Rejected before execution: the mutation did not run.
    expect((await gql('{ me { firstName } }', token)).data.me.firstName).toBe('Sam');
  });

  it('reject leaves operations without sunset coordinates alone', async () => {
    const gql = serverWith({ sunsetPolicy: 'reject' });
    app.clock.now = afterSunset;
    const { token } = await student();
    expect((await gql('{ me { firstName } }', token)).errors).toBeUndefined();
  });
});

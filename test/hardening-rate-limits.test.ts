import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, globalId, type TestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { createCourse, createUser, PASSWORD } from './helpers/factories.js';
import { post } from './helpers/http.js';
import { rawWs } from './helpers/ws.js';

const SIGN_IN =
  'mutation ($email: String!, $password: String!) { signIn(input: { email: $email, password: $password }) { token } }';
const SIGN_UP = `mutation ($email: EmailAddress!) {
  signUp(input: { email: $email, password: "correct horse battery", firstName: "A", lastName: "B" }) { token }
}`;
const UPDATE = 'mutation ($n: String!) { updateProfile(input: { firstName: $n }) { firstName } }';

// In-memory limits (no REDIS_URL): each app counts from zero. One database for all.
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});
let app: TestApp | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});
async function start(env: Record<string, string>): Promise<string> {
  app = await createTestApp({ env, database });
  return app.server.listen(0, '127.0.0.1');
}
const code = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.[0]?.extensions?.code;
/** Backends of the test database waiting for a lock. */
const blockedOnLocks = async () =>
  (
    await database.db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`
  )[0]!.n;

function expectLimited(res: Awaited<ReturnType<typeof post>>, retryAfter?: number) {
  expect(code(res)).toBe('RATE_LIMITED');
  expect(res.status).toBe(429);
  const seconds = res.errors![0]!.extensions!.retryAfter as number;
  expect(seconds).toBeGreaterThan(0);
  if (retryAfter !== undefined) expect(seconds).toBe(retryAfter);
  expect(res.headers.get('retry-after')).toBe(String(seconds));
}

describe('sign-in', () => {
  it('locks an account out from an address after repeated failures there, even for the right password, for longer each time', async () => {
    const url = await start({ RATE_LIMIT_SIGN_IN_ACCOUNT_IP: '3/15m', SIGN_IN_LOCKOUT_SECONDS: '1' });
    const user = await createUser(app!.db);
    const attempt = (password: string) => post(url, SIGN_IN, { email: user.email, password });
    for (let i = 0; i < 3; i++) expect(code(await attempt('wrong'))).toBe('UNAUTHENTICATED');
    expectLimited(await attempt(PASSWORD), 1);
    // The email's case and spaces do not make a new account key.
    expectLimited(await post(url, SIGN_IN, { email: ` ${user.email.toUpperCase()}`, password: PASSWORD }));

    // The first lockout (1 s) passes; three more failures lock it out twice as long.
    await new Promise((r) => setTimeout(r, 1_100));
    for (let i = 0; i < 3; i++) expect(code(await attempt('wrong'))).toBe('UNAUTHENTICATED');
    expectLimited(await attempt(PASSWORD), 2);
  });

  it('a success clears the count of failures', async () => {
    const url = await start({ RATE_LIMIT_SIGN_IN_ACCOUNT_IP: '3/15m' });
    const user = await createUser(app!.db);
    const attempt = (password: string) => post(url, SIGN_IN, { email: user.email, password });
    for (let i = 0; i < 2; i++) expect(code(await attempt('wrong'))).toBe('UNAUTHENTICATED');
    expect((await attempt(PASSWORD)).errors).toBeUndefined();
    for (let i = 0; i < 2; i++) expect(code(await attempt('wrong'))).toBe('UNAUTHENTICATED');
    expect((await attempt(PASSWORD)).errors).toBeUndefined();
  });

  it('a stranger’s failures lock out the stranger, not the owner signing in from another address', async () => {
    const url = await start({ TRUST_PROXY: 'true', RATE_LIMIT_SIGN_IN_ACCOUNT_IP: '3/15m' });
    const user = await createUser(app!.db);
    const from = (ip: string, password: string) =>
      post(url, SIGN_IN, { email: user.email, password }, undefined, { 'x-forwarded-for': ip });
    for (let i = 0; i < 3; i++) expect(code(await from('203.0.113.9', 'wrong'))).toBe('UNAUTHENTICATED');
    // The stranger is locked out, even with the right password…
    expectLimited(await from('203.0.113.9', PASSWORD));
    // …the owner on their own device is not, and can still mistype.
    expect(code(await from('198.51.100.7', 'typo'))).toBe('UNAUTHENTICATED');
    expect((await from('198.51.100.7', PASSWORD)).errors).toBeUndefined();
  });

  it('a high per-account ceiling stops guessing spread over many addresses', async () => {
    const url = await start({ TRUST_PROXY: 'true', RATE_LIMIT_SIGN_IN_ACCOUNT: '4/1h' });
    const user = await createUser(app!.db);
    const from = (ip: string, password: string) =>
      post(url, SIGN_IN, { email: user.email, password }, undefined, { 'x-forwarded-for': ip });
    for (let i = 0; i < 4; i++) expect(code(await from(`203.0.113.${i}`, 'wrong'))).toBe('UNAUTHENTICATED');
    expectLimited(await from('198.51.100.7', PASSWORD));
  });

  it('limits failures per address across accounts', async () => {
    const url = await start({ RATE_LIMIT_SIGN_IN_IP: '4/15m' });
    for (let i = 0; i < 4; i++) {
      expect(code(await post(url, SIGN_IN, { email: `nobody-${i}@example.com`, password: 'x' }))).toBe(
        'UNAUTHENTICATED',
      );
    }
    expectLimited(await post(url, SIGN_IN, { email: 'someone-else@example.com', password: 'x' }));
  });
});

describe('sign-up, mutations, websockets', () => {
  it('limits sign-ups per address', async () => {
    const url = await start({ RATE_LIMIT_SIGN_UP_IP: '3/1h' });
    const email = () => `new-${randomBytes(4).toString('hex')}@example.com`;
    for (let i = 0; i < 3; i++) expect((await post(url, SIGN_UP, { email: email() })).errors).toBeUndefined();
    const refused = await post(url, SIGN_UP, { email: email() });
    expectLimited(refused);
    expect(refused.data ?? null).toBeNull();
  });

  it('limits mutations per user, counting each root field, without touching other users', async () => {
    const url = await start({ RATE_LIMIT_MUTATIONS_USER: '5/1m' });
    const [a, b] = [await createUser(app!.db), await createUser(app!.db)];
    const [ta, tb] = [await app!.tokens.issue(a.id), await app!.tokens.issue(b.id)];
    // Three root fields by aliases, then two more: five in all.
    const three =
      'mutation { x: updateProfile(input: { firstName: "x" }) { id } y: updateProfile(input: { firstName: "y" }) { id } z: updateProfile(input: { firstName: "z" }) { id } }';
    expect((await post(url, three, {}, ta)).errors).toBeUndefined();
    for (let i = 0; i < 2; i++) expect((await post(url, UPDATE, { n: `n${i}` }, ta)).errors).toBeUndefined();
    expectLimited(await post(url, UPDATE, { n: 'refused' }, ta));
    expect((await app!.db.user.findUniqueOrThrow({ where: { id: a.id } })).firstName).toBe('n1');
    expect((await post(url, UPDATE, { n: 'other' }, tb)).errors).toBeUndefined();
  });

  it('caps the mutations of one user running at once: the rest are RATE_LIMITED (retry), none fail or half-commit', async () => {
    const url = await start({ MUTATIONS_IN_FLIGHT_PER_USER: '4' });
    const user = await createUser(app!.db);
    const course = await createCourse(app!.db, user.id);
    const token = await app!.tokens.issue(user.id);
    const create = 'mutation ($input: CreateAssignmentInput!) { createAssignment(input: $input) { id } }';
    const input = (i: number) => ({
      courseId: globalId('Course', course.id),
      title: `burst ${i}`,
      dueAt: '2027-03-01T10:00:00Z',
    });
    // The course held FOR UPDATE by another session: the admitted mutations wait on its lock
    // (createAssignment takes it FOR SHARE), so the burst is in flight at once on any machine; the
    // lock is let go once the first refusal has come back.
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    let results: Awaited<ReturnType<typeof post>>[];
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM "Course" WHERE "id" = $1 FOR UPDATE', [course.id]);
      let refused!: () => void;
      const firstRefusal = new Promise<void>((resolve) => (refused = resolve));
      const burst = Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          post(url, create, { input: input(i) }, token).then((r) => {
            if (r.errors && code(r) === 'RATE_LIMITED') refused();
            return r;
          }),
        ),
      );
      await firstRefusal;
      await holder.query('COMMIT');
      results = await burst;
    } finally {
      await holder.end();
    }
    const codes = results.map((r) => (r.errors ? code(r) : 'OK'));
    expect(codes.filter((c) => c !== 'OK' && c !== 'RATE_LIMITED' && c !== 'SERVICE_UNAVAILABLE')).toEqual([]);
    expect(codes).toContain('RATE_LIMITED');
    const ok = codes.filter((c) => c === 'OK').length;
    expect(ok).toBeGreaterThan(0);
    expect(await app!.db.assignment.count({ where: { courseId: course.id } })).toBe(ok);
    // Once the burst is over the user is served again.
    expect((await post(url, create, { input: input(99) }, token)).errors).toBeUndefined();
  });

  it('mutations refused for being too many at once do not use up the per-minute budget', async () => {
    const url = await start({ MUTATIONS_IN_FLIGHT_PER_USER: '1', RATE_LIMIT_MUTATIONS_USER: '3/1m' });
    const user = await createUser(app!.db);
    const token = await app!.tokens.issue(user.id);
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked = () => {};
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // The test holds the account's row: the first update waits for it, in flight.
    const holder = database.db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 FROM "User" WHERE "id" = ${user.id}::uuid FOR UPDATE`;
        locked();
        await released;
      },
      { timeout: 20_000 },
    );
    await isLocked;
    const first = post(url, UPDATE, { n: 'first' }, token);
    try {
      // Wait until the first update is blocked on the row (so it is in flight).
      while ((await blockedOnLocks()) === 0) await new Promise((r) => setTimeout(r, 10));
      for (let i = 0; i < 5; i++) {
        const refused = await post(url, UPDATE, { n: `refused ${i}` }, token);
        expectLimited(refused);
        expect(refused.errors![0]!.message).toMatch(/^Too many changes at once\./);
      }
    } finally {
      release();
      await holder;
    }
    expect((await first).errors).toBeUndefined();
    // 3 a minute: the first used one, the five refused none.
    for (let i = 0; i < 2; i++) expect((await post(url, UPDATE, { n: `then ${i}` }, token)).errors).toBeUndefined();
    const spent = await post(url, UPDATE, { n: 'spent' }, token);
    expectLimited(spent);
    expect(spent.errors![0]!.message).toMatch(/^Too many changes\. /);
  });

  it('limits new websocket connections per address (HTTP 429 on upgrade)', async () => {
    const url = await start({ RATE_LIMIT_WS_CONNECTIONS_IP: '2/1m' });
    const open = [await rawWs(url), await rawWs(url)];
    await expect(rawWs(url)).rejects.toThrow('HTTP 429');
    for (const ws of open) ws.socket.close();
  });
});

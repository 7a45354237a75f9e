import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_VIEWER_CACHE_TTL_MS } from '../src/config.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createUser } from './helpers/factories.js';

const ME = '{ me { id } }';
/** The lookup reads the account's id, role and status, and nothing else of the user. */
const isAccountLookup = (sql: string) => /"User"/.test(sql) && /"accountStatus"/.test(sql) && !/"email"/.test(sql);

let app: TestApp;
let lookups = 0;

beforeAll(async () => {
  app = await createTestApp({
    onQuery: (sql) => {
      if (isAccountLookup(sql)) lookups++;
    },
  });
});
afterAll(async () => {
  await app?.close();
});

async function suspend(userId: string) {
  await app.db.user.update({ where: { id: userId }, data: { accountStatus: 'SUSPENDED' } });
}

describe('the signed-in account is looked up once per VIEWER_CACHE_TTL_MS', () => {
  it('serves repeated requests of a user without looking the account up again', async () => {
    const user = await createUser(app.db);
    const token = await app.tokens.issue(user.id);
    const before = lookups;
    const answers = await Promise.all([app.gql(ME, {}, token), app.gql(ME, {}, token), app.gql(ME, {}, token)]);
    await app.gql(ME, {}, token);
    for (const res of answers) expect(res.errors).toBeUndefined();
    // Three concurrent requests share one lookup; the fourth finds it cached.
    expect(lookups - before).toBe(1);
  });

  it('sees a suspension made elsewhere once the TTL has passed', async () => {
    const user = await createUser(app.db);
    const token = await app.tokens.issue(user.id);
    expect((await app.gql(ME, {}, token)).errors).toBeUndefined();
    await suspend(user.id);
    // Still cached: another replica or an operator's SQL is not seen yet.
    expect((await app.gql(ME, {}, token)).errors).toBeUndefined();
    app.clock.now = new Date(app.clock.now.getTime() + DEFAULT_VIEWER_CACHE_TTL_MS + 1);
    const res = await app.gql(ME, {}, token);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('stops accepting a token that worked once it expires, though its check is cached', async () => {
    const user = await createUser(app.db);
    const token = await app.tokens.issue(user.id);
    expect((await app.gql(ME, {}, token)).errors).toBeUndefined();
    // Test tokens live one hour.
    app.clock.now = new Date(app.clock.now.getTime() + 3600_000 + 1000);
    const res = await app.gql(ME, {}, token);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('keeps a token of an unknown user out, and another token of a known one in', async () => {
    const user = await createUser(app.db);
    const stranger = await app.tokens.issue('00000000-0000-4000-8000-000000000000');
    expect((await app.gql(ME, {}, stranger)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await app.gql(ME, {}, stranger)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const res = await app.gql<{ me: { id: string } }>(ME, {}, await app.tokens.issue(user.id));
    expect(res.errors).toBeUndefined();
  });
});

describe('VIEWER_CACHE_TTL_MS=0', () => {
  it('looks the account up on every request, so a suspension applies at once', async () => {
    const uncached = await createTestApp({ viewerCacheTtlMs: 0 });
    try {
      const user = await createUser(uncached.db);
      const token = await uncached.tokens.issue(user.id);
      expect((await uncached.gql(ME, {}, token)).errors).toBeUndefined();
      await uncached.db.user.update({ where: { id: user.id }, data: { accountStatus: 'SUSPENDED' } });
      const res = await uncached.gql(ME, {}, token);
      expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    } finally {
      await uncached.close();
    }
  });
});

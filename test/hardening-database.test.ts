import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrisma } from '../src/db/client.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { createUser } from './helpers/factories.js';
import { hostPort, startProxy, type FaultProxy } from '../tools/faults/proxy.js';

const ME = '{ me { id email } }';
const SIGN_IN = 'mutation ($email: String!) { signIn(input: { email: $email, password: "x" }) { token } }';

const WEBHOOK_SECRET = 'rc-webhook-secret-0123456789';
let database: TestDatabase;
let proxy: FaultProxy;
let app: TestApp;
let token: string;
let email: string;
beforeAll(async () => {
  database = await createTestDatabase();
  proxy = await startProxy(hostPort(database.url));
  // The server's database client goes through the proxy, with short timeouts.
  const db = createPrisma({
    url: proxy.url(database.url),
    poolSize: 4,
    timeouts: {
      connectTimeoutMs: 1_000,
      statementTimeoutMs: 1_000,
      transactionWaitMs: 500,
      transactionTimeoutMs: 3_000,
    },
  });
  app = await createTestApp({
    database: { ...database, db, drop: () => db.$disconnect() },
    viewerCacheTtlMs: 0,
    env: { REVENUECAT_WEBHOOK_SECRET: WEBHOOK_SECRET },
  });
  const user = await createUser(database.db);
  email = user.email;
  token = await app.tokens.issue(user.id);
});
afterAll(async () => {
  proxy?.restore();
  await app?.close();
  await app?.db.$disconnect();
  await proxy?.close();
  await database?.drop();
});

function expectUnavailable(res: Awaited<ReturnType<TestApp['gql']>>) {
  expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfter: 2 });
  expect(res.errors?.[0]?.extensions?.requestId).toEqual(expect.any(String));
  expect(res.headers.get('retry-after')).toBe('2');
  expect(res.status).toBe(503);
}

describe('database away', () => {
  it('answers SERVICE_UNAVAILABLE with retryAfter (not a 500) and recovers without a restart', async () => {
    expect((await app.gql(ME, {}, token)).data).toEqual({ me: expect.objectContaining({ email }) });
    proxy.cut();
    try {
      // Signed in: the account lookup fails before any resolver.
      expectUnavailable(await app.gql(ME, {}, token));
      // Anonymous: the resolver's query fails.
      expectUnavailable(await app.gql(SIGN_IN, { email }));
      const ready = await app.fetch('/ready');
      expect(ready.status).toBe(503);
    } finally {
      proxy.restore();
    }
    expect((await app.gql(ME, {}, token)).data).toEqual({ me: expect.objectContaining({ email }) });
  });
});

describe('RevenueCat webhook while the database is away', () => {
  it('answers 503 with Retry-After (RevenueCat retries), then applies the same event', async () => {
    const user = await createUser(database.db);
    const body = JSON.stringify({
      api_version: '1.0',
      event: { id: `rc-${user.id}`, type: 'TEST', app_user_id: user.id },
    });
    const post = () =>
      app.fetch('/webhooks/revenuecat', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: WEBHOOK_SECRET },
        body,
      });
    proxy.cut();
    try {
      const res = await post();
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('2');
    } finally {
      proxy.restore();
    }
    const res = await post();
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ outcome: 'IGNORED' });
  });
});

describe('database stalled (connections open, nothing answers)', () => {
  it('gives up within the timeouts: /ready in 2 s, requests with SERVICE_UNAVAILABLE', async () => {
    proxy.stall();
    try {
      let started = Date.now();
      const ready = await app.fetch('/ready');
      expect(ready.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(2_500);

      started = Date.now();
      expectUnavailable(await app.gql(ME, {}, token));
      // statement timeout 1 s (+1 s for a silent server) or connect timeout 1 s: well under the 45 s it took.
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      proxy.restore();
    }
    // Back: what was held flows again and new requests are served.
    expect((await app.gql(ME, {}, token)).data).toEqual({ me: expect.objectContaining({ email }) });
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sseSubscribe } from '../tools/clients/subscriptions.js';
import { createTestApp, globalId, type TestApp } from './helpers/app.js';
import { createUser } from './helpers/factories.js';
import { initWs, rawWs } from './helpers/ws.js';

const UPDATES = 'subscription { taskUpdates { change } }';

let app: TestApp;
let url: string;
beforeAll(async () => {
  app = await createTestApp({
    viewerCacheTtlMs: 0,
    env: {
      WS_INIT_TIMEOUT_MS: '300',
      WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '2',
      WS_MAX_CONNECTIONS_PER_USER: '2',
      WS_AUTH_RECHECK_MS: '100',
    },
  });
  url = await app.server.listen(0, '127.0.0.1');
});
afterAll(async () => {
  await app?.close();
});

async function signedIn() {
  const user = await createUser(app.db);
  return { user, token: await app.tokens.issue(user.id) };
}

describe('before authentication', () => {
  it('closes a connection that sends no connection_init within the timeout (4408)', async () => {
    const ws = await rawWs(url);
    expect((await ws.closed).code).toBe(4408);
  });

  it('refuses a message larger than the HTTP body limit without parsing it (1009)', async () => {
    const ws = await rawWs(url);
    ws.socket.send('x'.repeat(1_000_001));
    expect((await ws.closed).code).toBe(1009);
  });

  it('refuses connection_init without a token (4403)', async () => {
    const ws = await rawWs(url);
    ws.send({ type: 'connection_init', payload: {} });
    expect((await ws.closed).code).toBe(4403);
  });
});

describe('caps', () => {
  it('at most N subscriptions per connection', async () => {
    const { token } = await signedIn();
    const ws = await initWs(url, token);
    for (const id of ['1', '2', '3']) ws.send({ id, type: 'subscribe', payload: { query: UPDATES } });
    expect(await ws.next()).toMatchObject({
      id: '3',
      type: 'error',
      payload: [{ extensions: { code: 'QUERY_LIMIT_EXCEEDED' } }],
    });
    ws.socket.close();
  });

  it('at most N connections per user (4429), and a closed one frees its place', async () => {
    const { token } = await signedIn();
    const first = await initWs(url, token);
    await initWs(url, token);
    await expect(initWs(url, token)).rejects.toThrow('4429');
    first.socket.close();
    await first.closed;
    // The server counts the close when it sees it: retry until it has.
    let again = await initWs(url, token).catch(() => null);
    while (!again) again = await initWs(url, token).catch(() => null);
    again.socket.close();
  });
});

describe('open streams end', () => {
  async function subscribed() {
    const s = await signedIn();
    const ws = await initWs(url, s.token);
    ws.send({ id: '1', type: 'subscribe', payload: { query: UPDATES } });
    return { ...s, ws };
  }

  it('when the token expires', async () => {
    const { ws } = await subscribed();
    app.clock.now = new Date(app.clock.now.getTime() + 2 * 3600_000);
    try {
      expect(await ws.closed).toEqual({
        code: 4401,
        reason: 'Unauthorized: token expired or account no longer active',
      });
    } finally {
      app.clock.now = new Date();
    }
  });

  it('when the account is suspended', async () => {
    const { ws, user } = await subscribed();
    await app.db.user.update({ where: { id: user.id }, data: { accountStatus: 'SUSPENDED' } });
    expect((await ws.closed).code).toBe(4401);
  });

  it('when the account is deleted', async () => {
    const { ws, user } = await subscribed();
    await app.db.user.update({ where: { id: user.id }, data: { deletedAt: new Date() } });
    expect((await ws.closed).code).toBe(4401);
  });
});

describe('an SSE stream ends with its session, as a WebSocket does', () => {
  const ENDED = {
    errors: [
      expect.objectContaining({
        message: 'Unauthorized: token expired or account no longer active',
        extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }),
      }),
    ],
  };
  async function streaming() {
    const s = await signedIn();
    const sub = await sseSubscribe((path, init) => fetch(new URL(path, url), init), s.token, UPDATES);
    expect(sub.status).toBe(200);
    return { ...s, sub };
  }
  /** The stream's last message, then its end. */
  async function lastWords(sub: Awaited<ReturnType<typeof streaming>>['sub']) {
    const last = await sub.next();
    await expect(sub.next()).rejects.toThrow('stream ended');
    return last;
  }

  it('when the token expires', async () => {
    const { sub } = await streaming();
    app.clock.now = new Date(app.clock.now.getTime() + 2 * 3600_000);
    try {
      expect(await lastWords(sub)).toEqual(ENDED);
    } finally {
      app.clock.now = new Date();
    }
  });

  it('when the account is suspended', async () => {
    const { sub, user } = await streaming();
    await app.db.user.update({ where: { id: user.id }, data: { accountStatus: 'SUSPENDED' } });
    expect(await lastWords(sub)).toEqual(ENDED);
  });

  it('when the account is deleted', async () => {
    const { sub, user } = await streaming();
    await app.db.user.update({ where: { id: user.id }, data: { deletedAt: new Date() } });
    expect(await lastWords(sub)).toEqual(ENDED);
  });

  it('not while the session holds: updates keep coming', async () => {
    const { sub, user } = await streaming();
    const course = await app.db.course.create({ data: { userId: user.id, name: 'Live' } });
    const token = await app.tokens.issue(user.id);
    const next = sub.next();
    const res = await app.gql(
      `mutation ($input: CreateAssignmentInput!) { createAssignment(input: $input) { id } }`,
      { input: { courseId: globalId('Course', course.id), title: 'still here', dueAt: '2027-06-01T10:00:00Z' } },
      token,
    );
    expect(res.errors).toBeUndefined();
    await app.bus.idle();
    expect(await next).toEqual({ data: { taskUpdates: { change: 'CREATED' } } });
    await sub.close();
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { sseSubscribe } from '../tools/clients/subscriptions.js';
import { createTestApp, globalId, type TestApp } from './helpers/app.js';
import { createUser, PASSWORD } from './helpers/factories.js';
import { initWs } from './helpers/ws.js';

const PAIR = 'accessToken accessTokenExpiresAt refreshToken refreshTokenExpiresAt user { id }';
const SIGN_IN = `mutation ($input: SignInInput!) { signIn(input: $input) { ${PAIR} } }`;
const REFRESH = `mutation ($input: RefreshSessionInput!) { refreshSession(input: $input) { ${PAIR} } }`;
const ME = '{ me { id } }';
const SESSIONS = '{ me { sessions { id deviceName userAgent ip createdAt lastUsedAt current } } }';
const UPDATES = 'subscription { taskUpdates { change } }';

interface Pair {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
  user: { id: string };
}

let app: TestApp;
let url: string;
let statements = 0;
beforeAll(async () => {
  // The production default of the viewer cache: revocations must not wait for its TTL.
  app = await createTestApp({ env: { WS_AUTH_RECHECK_MS: '100' }, onQuery: () => statements++ });
  url = await app.server.listen(0, '127.0.0.1');
});
afterAll(async () => {
  await app?.close();
});
afterEach(() => {
  app.clock.now = new Date();
});

async function signIn(deviceName?: string, headers: Record<string, string> = {}) {
  const user = await createUser(app.db);
  const res = await app.gql<{ signIn: Pair }>(
    SIGN_IN,
    { input: { email: user.email, password: PASSWORD, deviceName } },
    undefined,
    headers,
  );
  expect(res.errors).toBeUndefined();
  return { ...res.data!.signIn, user };
}

async function refresh(refreshToken: string) {
  return app.gql<{ refreshSession: Pair }>(REFRESH, { input: { refreshToken } });
}

const codeOf = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.[0]?.extensions?.code;
const reasonOf = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.[0]?.extensions?.reason;

describe('sign-in issues a session', () => {
  it('gives a short-lived access token with the session id and an opaque refresh token stored hashed', async () => {
    const s = await signIn('Ada’s phone');
    const now = app.clock.now.getTime();
    expect(new Date(s.accessTokenExpiresAt).getTime() - now).toBeLessThanOrEqual(15 * 60_000);
    expect(new Date(s.accessTokenExpiresAt).getTime() - now).toBeGreaterThan(14 * 60_000);
    expect(new Date(s.refreshTokenExpiresAt).getTime() - now).toBeGreaterThan(29 * 86_400_000);
    expect(s.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const claims = await app.tokens.verifyClaims(s.accessToken);
    expect(claims).toMatchObject({ userId: s.user.id, sessionId: expect.any(String) });
    const row = await app.db.session.findUniqueOrThrow({ where: { id: claims!.sessionId! } });
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(s.refreshToken);
    expect((await app.gql(ME, {}, s.accessToken)).data).toEqual({ me: { id: globalId('User', s.user.id) } });
  });

  it('lists the sessions of me with the device, and marks the current one', async () => {
    const first = await signIn('Laptop', { 'user-agent': 'TestBrowser/1.0' });
    const second = await app.gql<{ signIn: Pair }>(SIGN_IN, {
      input: { email: first.user.email, password: PASSWORD, deviceName: 'Phone' },
    });
    expect(second.errors).toBeUndefined();
    const res = await app.gql(SESSIONS, {}, first.accessToken);
    expect(res.errors).toBeUndefined();
    const sessions = res.data!.me.sessions as { deviceName: string; current: boolean; userAgent: string | null }[];
    expect(sessions).toHaveLength(2);
    expect(sessions.find((s) => s.deviceName === 'Laptop')).toMatchObject({
      current: true,
      userAgent: 'TestBrowser/1.0',
    });
    expect(sessions.find((s) => s.deviceName === 'Phone')).toMatchObject({ current: false });
    const fromPhone = await app.gql(SESSIONS, {}, second.data!.signIn.accessToken);
    expect(fromPhone.data!.me.sessions.find((s: { current: boolean }) => s.current).deviceName).toBe('Phone');
  });

  it('checks the session in the account lookup: no extra statement per request', async () => {
    const s = await signIn();
    const count = async (token: string) => {
      const before = statements;
      expect((await app.gql(ME, {}, token)).errors).toBeUndefined();
      return statements - before;
    };
    // The account and its session in one lookup, then the query; then the cached lookup.
    expect(await count(s.accessToken)).toBe(2);
    expect(await count(s.accessToken)).toBe(1);
  });

  it('exports the sessions with exportMyData, without the token hashes', async () => {
    const s = await signIn('Export phone');
    const res = await app.gql('mutation { exportMyData { data } }', {}, s.accessToken);
    expect(res.errors).toBeUndefined();
    const sessions = res.data!.exportMyData.data.sessions as Record<string, unknown>[];
    expect(sessions).toEqual([expect.objectContaining({ deviceName: 'Export phone' })]);
    expect(sessions[0]).not.toHaveProperty('tokenHash');
  });
});

describe('refreshSession', () => {
  it('rotates: a new pair, and the used refresh token replayed revokes the whole family', async () => {
    const s = await signIn();
    const first = await refresh(s.refreshToken);
    expect(first.errors).toBeUndefined();
    const next = first.data!.refreshSession;
    expect(next.refreshToken).not.toBe(s.refreshToken);
    expect(next.accessToken).not.toBe(s.accessToken);
    expect((await app.gql(ME, {}, next.accessToken)).data).toEqual({ me: { id: globalId('User', s.user.id) } });

    const replay = await refresh(s.refreshToken);
    expect(codeOf(replay)).toBe('UNAUTHENTICATED');
    expect(reasonOf(replay)).toBe('REFRESH_TOKEN_REUSED');
    // The newer tokens of the family are gone too.
    expect(reasonOf(await refresh(next.refreshToken))).toBe('SESSION_REVOKED');
    expect(codeOf(await app.gql(ME, {}, next.accessToken))).toBe('UNAUTHENTICATED');
    expect(codeOf(await app.gql(ME, {}, s.accessToken))).toBe('UNAUTHENTICATED');
    const audit = await app.db.auditLog.findFirst({ where: { targetId: s.user.id, action: 'session.reuse_detected' } });
    expect(audit).not.toBeNull();
  });

  it('lets exactly one of two concurrent refreshes with one token succeed', async () => {
    const s = await signIn();
    const results = await Promise.all([refresh(s.refreshToken), refresh(s.refreshToken), refresh(s.refreshToken)]);
    const ok = results.filter((r) => !r.errors);
    expect(ok).toHaveLength(1);
    // The first loser finds the token used (a replay) and revokes the family; a later one may find it revoked.
    const reasons = results.filter((x) => x.errors).map(reasonOf);
    expect(reasons).toContain('REFRESH_TOKEN_REUSED');
    for (const reason of reasons) expect(['REFRESH_TOKEN_REUSED', 'SESSION_REVOKED']).toContain(reason);
    const rows = await app.db.session.count({ where: { userId: s.user.id } });
    // The sign-in's row and the one successful exchange's.
    expect(rows).toBe(2);
  });

  it('refuses an expired refresh token, and an unknown one', async () => {
    const s = await signIn();
    app.clock.now = new Date(app.clock.now.getTime() + 31 * 86_400_000);
    const res = await refresh(s.refreshToken);
    expect(codeOf(res)).toBe('UNAUTHENTICATED');
    expect(reasonOf(res)).toBe('REFRESH_TOKEN_EXPIRED');
    expect(reasonOf(await refresh('not-a-token'))).toBe('INVALID_REFRESH_TOKEN');
  });

  it('renews a session whose access token expired', async () => {
    const s = await signIn();
    app.clock.now = new Date(app.clock.now.getTime() + 16 * 60_000);
    expect(codeOf(await app.gql(ME, {}, s.accessToken))).toBe('UNAUTHENTICATED');
    const res = await refresh(s.refreshToken);
    expect(res.errors).toBeUndefined();
    expect((await app.gql(ME, {}, res.data!.refreshSession.accessToken)).data).toEqual({
      me: { id: globalId('User', s.user.id) },
    });
  });

  it('is refused for a suspended account, and changes nothing', async () => {
    const s = await signIn();
    await app.db.user.update({ where: { id: s.user.id }, data: { accountStatus: 'SUSPENDED' } });
    expect(codeOf(await refresh(s.refreshToken))).toBe('FORBIDDEN');
    await app.db.user.update({ where: { id: s.user.id }, data: { accountStatus: 'ACTIVE' } });
    expect((await refresh(s.refreshToken)).errors).toBeUndefined();
  });

  it('is rate-limited per address', async () => {
    const limited = await createTestApp({ env: { RATE_LIMIT_REFRESH_SESSION_IP: '2/1m' } });
    try {
      // In-process requests have no address: send them over a socket, from 127.0.0.1.
      const viaSocket = await limited.server.listen(0, '127.0.0.1');
      const post = () =>
        fetch(viaSocket, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: REFRESH, variables: { input: { refreshToken: 'guess' } } }),
        }).then((r) => r.json() as Promise<{ errors?: { extensions?: Record<string, unknown> }[] }>);
      expect(reasonOf(await post())).toBe('INVALID_REFRESH_TOKEN');
      expect(reasonOf(await post())).toBe('INVALID_REFRESH_TOKEN');
      expect(codeOf(await post())).toBe('RATE_LIMITED');
    } finally {
      await limited.close();
    }
  });
});

describe('signing out', () => {
  it('signOut ends the current session: its access and refresh tokens stop at once', async () => {
    const s = await signIn();
    const other = await app.gql<{ signIn: Pair }>(SIGN_IN, { input: { email: s.user.email, password: PASSWORD } });
    const res = await app.gql('mutation { signOut { sessionsEnded } }', {}, s.accessToken);
    expect(res.data).toEqual({ signOut: { sessionsEnded: 1 } });
    expect(codeOf(await app.gql(ME, {}, s.accessToken))).toBe('UNAUTHENTICATED');
    expect(reasonOf(await refresh(s.refreshToken))).toBe('SESSION_REVOKED');
    // The other device stays signed in.
    expect((await app.gql(ME, {}, other.data!.signIn.accessToken)).errors).toBeUndefined();
  });

  it('signOutEverywhere ends every session and the deprecated session-less tokens issued before it', async () => {
    const s = await signIn();
    const legacy = await app.tokens.issue(s.user.id);
    expect((await app.gql(ME, {}, legacy)).errors).toBeUndefined();
    const res = await app.gql('mutation { signOutEverywhere { sessionsEnded } }', {}, s.accessToken);
    expect(res.data).toEqual({ signOutEverywhere: { sessionsEnded: 1 } });
    expect(codeOf(await app.gql(ME, {}, legacy))).toBe('UNAUTHENTICATED');
    expect(codeOf(await app.gql(ME, {}, s.accessToken))).toBe('UNAUTHENTICATED');
    expect(reasonOf(await refresh(s.refreshToken))).toBe('SESSION_REVOKED');
    // A new sign-in right after works.
    const again = await app.gql<{ signIn: Pair }>(SIGN_IN, { input: { email: s.user.email, password: PASSWORD } });
    expect((await app.gql(ME, {}, again.data!.signIn.accessToken)).errors).toBeUndefined();
  });

  it('keeps a deprecated session-less token working until it expires; signOut says to use signOutEverywhere', async () => {
    const user = await createUser(app.db);
    const legacy = await app.tokens.issue(user.id);
    expect((await app.gql(ME, {}, legacy)).data).toEqual({ me: { id: globalId('User', user.id) } });
    expect(codeOf(await app.gql('mutation { signOut { sessionsEnded } }', {}, legacy))).toBe('BAD_USER_INPUT');
  });

  it('the deprecated AuthPayload.token is bound to the session: signOut ends it too', async () => {
    const user = await createUser(app.db);
    const res = await app.gql(`mutation ($input: SignInInput!) { signIn(input: $input) { token accessToken } }`, {
      input: { email: user.email, password: PASSWORD },
    });
    const { token, accessToken } = res.data!.signIn as { token: string; accessToken: string };
    expect(res.headers.get('deprecation')).not.toBeNull();
    expect((await app.tokens.verifyClaims(token))?.sessionId).toEqual(
      (await app.tokens.verifyClaims(accessToken))?.sessionId,
    );
    expect((await app.gql(ME, {}, token)).errors).toBeUndefined();
    await app.gql('mutation { signOut { sessionsEnded } }', {}, accessToken);
    expect(codeOf(await app.gql(ME, {}, token))).toBe('UNAUTHENTICATED');
  });
});

describe('revokeSession', () => {
  async function twoDevices() {
    const phone = await signIn('Phone');
    const laptop = await app.gql<{ signIn: Pair }>(SIGN_IN, {
      input: { email: phone.user.email, password: PASSWORD, deviceName: 'Laptop' },
    });
    const list = await app.gql(SESSIONS, {}, laptop.data!.signIn.accessToken);
    const phoneSession = (list.data!.me.sessions as { id: string; deviceName: string }[]).find(
      (s) => s.deviceName === 'Phone',
    )!;
    return { phone, laptop: laptop.data!.signIn, phoneSessionId: phoneSession.id };
  }
  const REVOKE = 'mutation ($id: ID!) { revokeSession(id: $id) { revokedId } }';

  it("ends another of one's own sessions, not someone else's", async () => {
    const { phone, laptop, phoneSessionId } = await twoDevices();
    const stranger = await signIn();
    expect(codeOf(await app.gql(REVOKE, { id: phoneSessionId }, stranger.accessToken))).toBe('NOT_FOUND');
    expect((await app.gql(ME, {}, phone.accessToken)).errors).toBeUndefined();
    const res = await app.gql(REVOKE, { id: phoneSessionId }, laptop.accessToken);
    expect(res.data).toEqual({ revokeSession: { revokedId: phoneSessionId } });
    expect(codeOf(await app.gql(ME, {}, phone.accessToken))).toBe('UNAUTHENTICATED');
    expect((await app.gql(ME, {}, laptop.accessToken)).errors).toBeUndefined();
    expect(codeOf(await app.gql(REVOKE, { id: phoneSessionId }, laptop.accessToken))).toBe('NOT_FOUND');
  });

  it("closes the session's open graphql-ws connection", async () => {
    const { phone, laptop, phoneSessionId } = await twoDevices();
    const ws = await initWs(url, phone.accessToken);
    ws.send({ id: '1', type: 'subscribe', payload: { query: UPDATES } });
    const other = await initWs(url, laptop.accessToken);
    await app.gql(REVOKE, { id: phoneSessionId }, laptop.accessToken);
    expect(await ws.closed).toEqual({ code: 4401, reason: 'Unauthorized: token expired or account no longer active' });
    // The laptop's connection is still open.
    expect(other.socket.readyState).toBe(other.socket.OPEN);
    other.socket.close();
  });

  it("ends the session's open SSE subscription", async () => {
    const { phone, laptop, phoneSessionId } = await twoDevices();
    const sub = await sseSubscribe((path, init) => fetch(new URL(path, url), init), phone.accessToken, UPDATES);
    expect(sub.status).toBe(200);
    await app.subscribed('taskUpdates', phone.user.id);
    await app.gql(REVOKE, { id: phoneSessionId }, laptop.accessToken);
    expect(await sub.next()).toEqual({
      errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) })],
    });
    await expect(sub.next()).rejects.toThrow('stream ended');
  });
});

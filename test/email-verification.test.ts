import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { defaultHardening } from '../src/config.js';
import { createTestApp, serverBeside, type TestApp } from './helpers/app.js';

const SIGN_UP = `mutation ($input: SignUpInput!) { signUp(input: $input) { token user { id email emailVerified } } }`;
const SIGN_IN = `mutation ($input: SignInInput!) { signIn(input: $input) { user { email } } }`;
const VERIFY = `mutation ($token: String!) { verifyEmail(input: { token: $token }) { email verifiedAt changed } }`;
const CHANGE = `mutation ($input: ChangeEmailInput!) { changeEmail(input: $input) { email pendingEmail emailVerified } }`;
const RESEND = `mutation { resendVerificationEmail { email } }`;
const ME = `{ me { email emailVerified emailVerifiedAt pendingEmail } }`;
const PASSWORD = 'long enough pw';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ env: { RATE_LIMIT_VERIFICATION_EMAIL: '2/1h' } });
});
afterAll(async () => {
  await app?.close();
});

let n = 0;
const address = () => `verify-${Date.now()}-${n++}@example.com`;

async function signUp(email: string): Promise<string> {
  const res = await app.gql(SIGN_UP, { input: { email, password: PASSWORD, firstName: 'Ada', lastName: 'Lovelace' } });
  expect(res.errors).toBeUndefined();
  return res.data!.signUp.token as string;
}

/** The verification codes mailed to `to`, oldest first, once the event handlers have run. */
async function codesFor(to: string): Promise<string[]> {
  await app.bus.idle();
  return app.mailer.outbox
    .filter((m) => m.to === to && m.subject === 'Confirm your email address')
    .map((m) => /Verification code: (\S+)/.exec(m.text)![1]!);
}

const signIn = (email: string) => app.gql(SIGN_IN, { input: { email, password: PASSWORD } });

describe('email verification', () => {
  it('mails a token at sign-up; verifyEmail sets emailVerified', async () => {
    const email = address();
    const token = await signUp(email);
    expect((await app.gql(ME, {}, token)).data!.me).toMatchObject({ emailVerified: false, emailVerifiedAt: null });
    const [code, ...more] = await codesFor(email);
    expect(more).toHaveLength(0);
    // Only the hash is stored.
    const row = await app.db.emailVerificationToken.findFirstOrThrow({ where: { email } });
    expect(row.tokenHash).not.toContain(code!);
    expect(row.expiresAt.getTime() - app.clock.now.getTime()).toBe(24 * 3600_000);

    const res = await app.gql(VERIFY, { token: code });
    expect(res.errors).toBeUndefined();
    expect(res.data!.verifyEmail).toEqual({ email, verifiedAt: app.clock.now.toISOString(), changed: false });
    expect((await app.gql(ME, {}, token)).data!.me).toEqual({
      email,
      emailVerified: true,
      emailVerifiedAt: app.clock.now.toISOString(),
      pendingEmail: null,
    });
    // Nothing left to verify.
    expect((await app.gql(RESEND, {}, token)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a reused token and an unknown one with VERIFICATION_TOKEN_INVALID', async () => {
    const email = address();
    await signUp(email);
    const [code] = await codesFor(email);
    expect((await app.gql(VERIFY, { token: code })).errors).toBeUndefined();
    const again = await app.gql(VERIFY, { token: code });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'VERIFICATION_TOKEN_INVALID', reason: 'USED' });
    const unknown = await app.gql(VERIFY, { token: 'x'.repeat(43) });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'VERIFICATION_TOKEN_INVALID', reason: 'UNKNOWN' });
  });

  it('refuses an expired token and leaves the account unverified', async () => {
    const email = address();
    const token = await signUp(email);
    const [code] = await codesFor(email);
    const start = app.clock.now;
    app.clock.now = new Date(start.getTime() + 24 * 3600_000 + 1000);
    let res;
    try {
      res = await app.gql(VERIFY, { token: code });
    } finally {
      app.clock.now = start;
    }
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'VERIFICATION_TOKEN_INVALID', reason: 'EXPIRED' });
    expect((await app.gql(ME, {}, token)).data!.me.emailVerified).toBe(false);
  });

  it('changeEmail keeps the old email as the sign-in address until the new one is verified', async () => {
    const old = address();
    const token = await signUp(old);
    await app.gql(VERIFY, { token: (await codesFor(old))[0] });
    const next = address();
    const change = await app.gql(CHANGE, { input: { newEmail: next.toUpperCase(), currentPassword: PASSWORD } }, token);
    expect(change.errors).toBeUndefined();
    expect(change.data!.changeEmail).toEqual({ email: old, pendingEmail: next, emailVerified: true });

    expect((await signIn(old)).data!.signIn.user.email).toBe(old);
    expect((await signIn(next)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const [code] = await codesFor(next);
    const res = await app.gql(VERIFY, { token: code });
    expect(res.errors).toBeUndefined();
    expect(res.data!.verifyEmail).toMatchObject({ email: next, changed: true });
    expect((await app.gql(ME, {}, token)).data!.me).toMatchObject({
      email: next,
      pendingEmail: null,
      emailVerified: true,
    });
    expect((await signIn(next)).data!.signIn.user.email).toBe(next);
    expect((await signIn(old)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a wrong password and an address of another account, changing nothing', async () => {
    const email = address();
    const token = await signUp(email);
    const other = address();
    await signUp(other);
    const wrong = await app.gql(CHANGE, { input: { newEmail: address(), currentPassword: 'not the password' } }, token);
    expect(wrong.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const taken = await app.gql(CHANGE, { input: { newEmail: other, currentPassword: PASSWORD } }, token);
    expect(taken.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'EMAIL_TAKEN' });
    expect((await app.gql(ME, {}, token)).data!.me).toMatchObject({ email, pendingEmail: null });
  });

  it('refuses to verify a pending address another account took meanwhile (CONFLICT), keeping the old email', async () => {
    const email = address();
    const token = await signUp(email);
    const wanted = address();
    expect(
      (await app.gql(CHANGE, { input: { newEmail: wanted, currentPassword: PASSWORD } }, token)).errors,
    ).toBeUndefined();
    await signUp(wanted); // someone else signs up with it before the link is followed
    const [code] = (await codesFor(wanted)).slice(0, 1);
    const res = await app.gql(VERIFY, { token: code });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'EMAIL_TAKEN' });
    expect(res.errors?.[0]?.message).toMatch(/belongs to another account/);
    expect((await app.gql(ME, {}, token)).data!.me).toMatchObject({ email, pendingEmail: wanted });
  });

  it('makes the link of an earlier change stop working once another change is asked for', async () => {
    const email = address();
    const token = await signUp(email);
    const first = address();
    await app.gql(CHANGE, { input: { newEmail: first, currentPassword: PASSWORD } }, token);
    const [stale] = await codesFor(first);
    const second = address();
    await app.gql(CHANGE, { input: { newEmail: second, currentPassword: PASSWORD } }, token);
    const res = await app.gql(VERIFY, { token: stale });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'VERIFICATION_TOKEN_INVALID', reason: 'SUPERSEDED' });
    expect((await app.gql(ME, {}, token)).data!.me).toMatchObject({ email, pendingEmail: second });
  });

  it('resends a link, rate-limited per account', async () => {
    const email = address();
    const token = await signUp(email);
    for (let i = 0; i < 2; i++) {
      const res = await app.gql(RESEND, {}, token);
      expect(res.errors).toBeUndefined();
      expect(res.data!.resendVerificationEmail).toEqual({ email });
    }
    const limited = await app.gql(RESEND, {}, token);
    expect(limited.status).toBe(429);
    expect(limited.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    const codes = await codesFor(email);
    expect(codes).toHaveLength(3); // sign-up and two resends
    // Every link works until one is used; the first one used verifies.
    expect((await app.gql(VERIFY, { token: codes[1] })).errors).toBeUndefined();
  });

  it('rate-limits verifyEmail per address', async () => {
    const beside = serverBeside(app, {
      rateLimits: { ...defaultHardening.rateLimits, verifyEmailIp: { points: 2, durationSeconds: 3600 } },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await beside.yoga.fetch('http://test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: VERIFY, variables: { token: `guess-${i}` } }),
      });
      statuses.push(res.status);
      const body = (await res.json()) as { errors?: { extensions?: Record<string, unknown> }[] };
      expect(body.errors?.[0]?.extensions?.code).toBe(i < 2 ? 'VERIFICATION_TOKEN_INVALID' : 'RATE_LIMITED');
    }
    expect(statuses).toEqual([200, 200, 429]);
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createUser, PASSWORD } from './helpers/factories.js';

const REQUEST = 'mutation ($input: RequestPasswordResetInput!) { requestPasswordReset(input: $input) }';
const RESET = 'mutation ($input: ResetPasswordInput!) { resetPassword(input: $input) }';
const CHANGE = 'mutation ($input: ChangePasswordInput!) { changePassword(input: $input) }';
const SIGN_IN = 'mutation ($input: SignInInput!) { signIn(input: $input) { accessToken refreshToken } }';
const REFRESH = 'mutation ($input: RefreshSessionInput!) { refreshSession(input: $input) { accessToken } }';
const ME = '{ me { id } }';
const NEW_PASSWORD = 'a brand new passphrase';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});
afterEach(() => {
  app.clock.now = new Date();
});

const codeOf = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.[0]?.extensions?.code;

async function signIn(email: string, password = PASSWORD) {
  const res = await app.gql<{ signIn: { accessToken: string; refreshToken: string } }>(SIGN_IN, {
    input: { email, password },
  });
  return res;
}

/** The mails to `to` sent since `from` (an index into the outbox). */
const mailsTo = (to: string, from = 0) => app.mailer.outbox.slice(from).filter((m) => m.to === to);

/** Asks for a reset, lets the handler run, and answers the token of the link it mailed. */
async function requestLink(email: string, asTyped = email): Promise<string> {
  const before = app.mailer.outbox.length;
  const res = await app.gql(REQUEST, { input: { email: asTyped } });
  expect(res.data).toEqual({ requestPasswordReset: true });
  await app.bus.idle();
  const mail = mailsTo(email, before).find((m) => m.subject.includes('Reset'));
  expect(mail).toBeDefined();
  const token = /[?&]token=([A-Za-z0-9_-]+)/.exec(mail!.text)?.[1];
  expect(token).toBeDefined();
  return token!;
}

describe('requestPasswordReset and resetPassword', () => {
  it('mails a single-use link that sets the password, ends every session and mails a notice', async () => {
    const user = await createUser(app.db);
    const session = (await signIn(user.email)).data!.signIn;
    const legacy = await app.tokens.issue(user.id);
    const token = await requestLink(user.email, user.email.toUpperCase());
    // Only its hash is stored.
    const rows = await app.db.passwordResetToken.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).not.toContain(token);
    expect(JSON.stringify(await app.db.outboxEvent.findMany({ where: { userId: user.id } }))).not.toContain(token);

    const before = app.mailer.outbox.length;
    const res = await app.gql(RESET, { input: { token, newPassword: NEW_PASSWORD } });
    expect(res).toMatchObject({ data: { resetPassword: true } });
    expect(res.errors).toBeUndefined();

    expect(codeOf(await signIn(user.email))).toBe('UNAUTHENTICATED');
    expect((await signIn(user.email, NEW_PASSWORD)).errors).toBeUndefined();
    // Every session and the session-less tokens end.
    expect(codeOf(await app.gql(ME, {}, session.accessToken))).toBe('UNAUTHENTICATED');
    expect(codeOf(await app.gql(REFRESH, { input: { refreshToken: session.refreshToken } }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await app.gql(ME, {}, legacy))).toBe('UNAUTHENTICATED');
    await app.bus.idle();
    expect(mailsTo(user.email, before).map((m) => m.subject)).toEqual(['Your Study Planner password was changed']);
  });

  it('refuses a link used once already', async () => {
    const user = await createUser(app.db);
    const token = await requestLink(user.email);
    expect((await app.gql(RESET, { input: { token, newPassword: NEW_PASSWORD } })).errors).toBeUndefined();
    const again = await app.gql(RESET, { input: { token, newPassword: 'yet another passphrase' } });
    expect(codeOf(again)).toBe('BAD_USER_INPUT');
    expect(again.errors?.[0]?.extensions?.field).toBe('token');
    expect((await signIn(user.email, NEW_PASSWORD)).errors).toBeUndefined();
  });

  it('refuses a link past its 30 minutes, and changes nothing', async () => {
    const user = await createUser(app.db);
    const token = await requestLink(user.email);
    app.clock.now = new Date(app.clock.now.getTime() + 31 * 60_000);
    expect(codeOf(await app.gql(RESET, { input: { token, newPassword: NEW_PASSWORD } }))).toBe('BAD_USER_INPUT');
    app.clock.now = new Date();
    expect((await signIn(user.email)).errors).toBeUndefined();
  });

  it('refuses a new password that breaks the sign-up rules, and keeps the link', async () => {
    const user = await createUser(app.db);
    const token = await requestLink(user.email);
    const res = await app.gql(RESET, { input: { token, newPassword: 'short' } });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.extensions?.field).toBe('password');
    expect((await app.gql(RESET, { input: { token, newPassword: NEW_PASSWORD } })).errors).toBeUndefined();
  });

  it('answers an unknown email exactly as a known one, and mails nothing', async () => {
    const user = await createUser(app.db);
    // The earlier tests' mails (a reset's notice is sent after the response) are out first.
    await app.bus.idle();
    const known = await app.gql(REQUEST, { input: { email: user.email } });
    const before = app.mailer.outbox.length;
    const nobody = `nobody-${Date.now()}@example.com`;
    const unknown = await app.gql(REQUEST, { input: { email: nobody } });
    const malformed = await app.gql(REQUEST, { input: { email: 'not an email' } });
    expect(unknown).toEqual({ ...known, headers: unknown.headers });
    expect(malformed.data).toEqual(known.data);
    await app.bus.idle();
    expect(app.mailer.outbox.slice(before).filter((m) => m.to !== user.email)).toEqual([]);
    expect(app.mailer.outbox.filter((m) => m.to === nobody || m.to === 'not an email')).toEqual([]);
  });

  it('is rate-limited per email', async () => {
    const limited = await createTestApp({ env: { RATE_LIMIT_RESET_EMAIL: '2/1h' } });
    try {
      const email = `limit-${Date.now()}@example.com`;
      for (let i = 0; i < 2; i++)
        expect((await limited.gql(REQUEST, { input: { email } })).data).toEqual({ requestPasswordReset: true });
      const third = await limited.gql(REQUEST, { input: { email: email.toUpperCase() } });
      expect(codeOf(third)).toBe('RATE_LIMITED');
    } finally {
      await limited.close();
    }
  });
});

describe('changePassword', () => {
  it('changes the password, ends the other sessions and keeps this one', async () => {
    const user = await createUser(app.db);
    const here = (await signIn(user.email)).data!.signIn;
    const elsewhere = (await signIn(user.email)).data!.signIn;
    const before = app.mailer.outbox.length;
    const res = await app.gql(
      CHANGE,
      { input: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } },
      here.accessToken,
    );
    expect(res.errors).toBeUndefined();
    expect((await app.gql(ME, {}, here.accessToken)).errors).toBeUndefined();
    expect((await app.gql(REFRESH, { input: { refreshToken: here.refreshToken } })).errors).toBeUndefined();
    expect(codeOf(await app.gql(ME, {}, elsewhere.accessToken))).toBe('UNAUTHENTICATED');
    expect((await signIn(user.email, NEW_PASSWORD)).errors).toBeUndefined();
    await app.bus.idle();
    expect(mailsTo(user.email, before).map((m) => m.subject)).toEqual(['Your Study Planner password was changed']);
  });

  it('refuses a wrong current password, and changes nothing', async () => {
    const user = await createUser(app.db);
    const here = (await signIn(user.email)).data!.signIn;
    const res = await app.gql(
      CHANGE,
      { input: { currentPassword: 'not the password', newPassword: NEW_PASSWORD } },
      here.accessToken,
    );
    expect(codeOf(res)).toBe('UNAUTHENTICATED');
    expect((await signIn(user.email)).errors).toBeUndefined();
    expect((await app.gql(ME, {}, here.accessToken)).errors).toBeUndefined();
  });

  it('needs a signed-in user', async () => {
    const res = await app.gql(CHANGE, { input: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } });
    expect(codeOf(res)).toBe('UNAUTHENTICATED');
  });
});

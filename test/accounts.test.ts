import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, globalId, type TestApp } from './helpers/app.js';
import { createCourse, createUser, PASSWORD } from './helpers/factories.js';

const SIGN_UP = `mutation ($input: SignUpInput!) {
  signUp(input: $input) { token user { id email firstName lastName subscriptionTier onboardingCompleted accountStatus role timezone } }
}`;
const SIGN_IN = `mutation ($input: SignInInput!) { signIn(input: $input) { token user { id email } } }`;
const ME = `{ me { id email firstName lastName timezone onboardingCompleted } }`;

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

let n = 0;
const email = () => `new-${Date.now()}-${n++}@example.com`;
const signUp = (input: Record<string, unknown>) =>
  app.gql(SIGN_UP, { input: { password: 'long enough pw', firstName: 'Ada', lastName: 'Lovelace', ...input } });

describe('signUp', () => {
  it('creates an account with the reference defaults and returns a working token', async () => {
    const address = email();
    const res = await signUp({ email: address.toUpperCase() });
    expect(res.errors).toBeUndefined();
    const { token, user } = res.data!.signUp;
    expect(user).toMatchObject({
      email: address,
      subscriptionTier: 'FREE',
      onboardingCompleted: false,
      accountStatus: 'ACTIVE',
      role: 'USER',
      timezone: 'UTC',
    });
    const me = await app.gql(ME, {}, token);
    expect(me.data!.me.email).toBe(address);
  });

  it('writes user.created in the same transaction and its handlers run after commit', async () => {
    const address = email();
    const res = await signUp({ email: address });
    await app.bus.idle();
    const row = await app.db.user.findFirstOrThrow({
      where: { email: address },
      include: { notificationPreference: true },
    });
    const events = await app.db.outboxEvent.findMany({ where: { userId: row.id } });
    expect(events.map((e) => e.type)).toEqual(['user.created']);
    expect(events[0]!.processedAt).not.toBeNull();
    expect(row.notificationPreference).toMatchObject({
      emailEnabled: true,
      inAppEnabled: true,
      reminderLeadMinutes: 60,
    });
    expect(app.mailer.outbox.filter((m) => m.to === address).map((m) => m.subject)).toEqual(
      expect.arrayContaining(['Welcome to Study Planner', 'Confirm your email address']),
    );
    expect(app.mailer.outbox.filter((m) => m.to === address)).toHaveLength(2);
    expect(res.data!.signUp.user.id).toBeDefined();
  });

  it.each([
    ['a malformed email', { email: 'not-an-email' }, 'BAD_USER_INPUT'],
    ['a short password', { email: 'short@example.com', password: 'short' }, 'BAD_USER_INPUT'],
    ['an empty first name', { email: 'empty@example.com', firstName: '   ' }, 'BAD_USER_INPUT'],
    ['a 101-character last name', { email: 'long@example.com', lastName: 'x'.repeat(101) }, 'BAD_USER_INPUT'],
  ])('rejects %s with %s and creates nothing', async (_label, input, code) => {
    const before = await app.db.user.count();
    const res = await signUp(input);
    expect(res.errors?.[0]?.extensions?.code).toBe(code);
    expect(res.data ?? null).toBeNull();
    expect(await app.db.user.count()).toBe(before);
  });

  it('rejects a duplicate live email, whatever its case, with CONFLICT', async () => {
    const address = email();
    await signUp({ email: address });
    const res = await signUp({ email: address.toUpperCase() });
    expect(res.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await app.db.user.count({ where: { email: address } })).toBe(1);
  });

  it('lets a new account take the email of a deleted one', async () => {
    const address = email();
    const first = await signUp({ email: address });
    const del = await app.gql(
      `mutation { deleteAccount(input: { password: "long enough pw" }) { deletedAt } }`,
      {},
      first.data!.signUp.token,
    );
    expect(del.errors).toBeUndefined();
    const again = await signUp({ email: address });
    expect(again.errors).toBeUndefined();
    expect(again.data!.signUp.user.id).not.toBe(first.data!.signUp.user.id);
  });
});

describe('signIn', () => {
  it('signs in with the right password, email case-insensitively', async () => {
    const user = await createUser(app.db);
    const res = await app.gql(SIGN_IN, { input: { email: user.email.toUpperCase(), password: PASSWORD } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.signIn.user.id).toBe(Buffer.from(`User:${user.id}`).toString('base64'));
    const me = await app.gql(ME, {}, res.data!.signIn.token);
    expect(me.data!.me.email).toBe(user.email);
  });

  it('gives the same UNAUTHENTICATED error for a wrong password and an unknown email', async () => {
    const user = await createUser(app.db);
    const wrong = await app.gql(SIGN_IN, { input: { email: user.email, password: 'wrong password' } });
    const unknown = await app.gql(SIGN_IN, { input: { email: 'nobody@example.com', password: PASSWORD } });
    expect(wrong.errors?.[0]).toMatchObject({
      message: 'Invalid email or password.',
      extensions: { code: 'UNAUTHENTICATED' },
    });
    expect(unknown.errors?.[0]).toEqual(wrong.errors?.[0]);
  });

  it('refuses a suspended account', async () => {
    const user = await createUser(app.db, { accountStatus: 'SUSPENDED' });
    const res = await app.gql(SIGN_IN, { input: { email: user.email, password: PASSWORD } });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses a deleted account like an unknown one', async () => {
    const user = await createUser(app.db);
    await app.db.user.delete({ where: { id: user.id } });
    const res = await app.gql(SIGN_IN, { input: { email: user.email, password: PASSWORD } });
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('authorization', () => {
  it('answers UNAUTHENTICATED to a protected field without a token, or with a bad or expired one', async () => {
    const user = await createUser(app.db);
    const expired = await app.tokens.issue(user.id);
    app.clock.now = new Date(app.clock.now.getTime() + 2 * 3600_000);
    try {
      for (const token of [undefined, 'garbage', expired]) {
        const res = await app.gql(ME, {}, token);
        expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
        expect(res.data ?? null).toBeNull();
      }
    } finally {
      app.clock.now = new Date();
    }
  });

  it('answers FORBIDDEN to an admin-only field for a student, and serves it to an admin', async () => {
    const student = await createUser(app.db);
    const admin = await createUser(app.db, { role: 'ADMIN' });
    const query = `{ users(first: 5, search: "${student.email}") { totalCount edges { node { email } } } }`;
    const denied = await app.gql(query, {}, await app.tokens.issue(student.id));
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const allowed = await app.gql(query, {}, await app.tokens.issue(admin.id));
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data!.users).toEqual({ totalCount: 1, edges: [{ node: { email: student.email } }] });
  });

  it("treats a suspended user's token as no token", async () => {
    const user = await createUser(app.db);
    const token = await app.tokens.issue(user.id);
    await app.db.user.update({ where: { id: user.id }, data: { accountStatus: 'SUSPENDED' } });
    const res = await app.gql(ME, {}, token);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('profile', () => {
  it('updates names and time zone, and records user.updated', async () => {
    const user = await createUser(app.db);
    const token = await app.tokens.issue(user.id);
    const res = await app.gql(
      `mutation { updateProfile(input: { firstName: " Grace ", timezone: "Europe/Berlin" }) { firstName lastName timezone } }`,
      {},
      token,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateProfile).toEqual({ firstName: 'Grace', lastName: 'Student', timezone: 'Europe/Berlin' });
    const event = await app.db.outboxEvent.findFirstOrThrow({ where: { userId: user.id, type: 'user.updated' } });
    expect(event.payload).toEqual({ userId: user.id, changed: ['firstName', 'timezone'] });
  });

  it('rejects a bad time zone and an empty change, changing nothing', async () => {
    const user = await createUser(app.db);
    const token = await app.tokens.issue(user.id);
    const UPDATE = `mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) { timezone } }`;
    const badZone = await app.gql(UPDATE, { input: { timezone: 'Mars/Olympus' } }, token);
    expect(badZone.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // The same value written into the document fails validation, before anything runs.
    const literal = await app.gql(
      `mutation { updateProfile(input: { timezone: "Mars/Olympus" }) { timezone } }`,
      {},
      token,
    );
    expect(literal.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const empty = await app.gql(`mutation { updateProfile(input: {}) { timezone } }`, {}, token);
    expect(empty.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const row = await app.db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.timezone).toBe('UTC');
    expect(row.updatedAt).toEqual(user.updatedAt);
  });

  it('completes onboarding once, with one event however often it is called', async () => {
    const user = await createUser(app.db);
    const token = await app.tokens.issue(user.id);
    for (let i = 0; i < 2; i++) {
      const res = await app.gql(`mutation { completeOnboarding { onboardingCompleted } }`, {}, token);
      expect(res.data!.completeOnboarding.onboardingCompleted).toBe(true);
    }
    expect(await app.db.outboxEvent.count({ where: { userId: user.id, type: 'user.onboarded' } })).toBe(1);
  });

  it('answers sign-in and profile mutations with the relations the operation asks for', async () => {
    const user = await createUser(app.db);
    await createCourse(app.db, user.id, { name: 'Algebra' });
    const token = await app.tokens.issue(user.id);
    const courses = `courses(first: 5) { totalCount edges { node { name } } }`;
    const expected = { totalCount: 1, edges: [{ node: { name: 'Algebra' } }] };
    const signedIn = await app.gql(
      `mutation ($input: SignInInput!) { signIn(input: $input) { user { ${courses} } } }`,
      { input: { email: user.email, password: PASSWORD } },
    );
    expect(signedIn.errors).toBeUndefined();
    expect(signedIn.data!.signIn.user.courses).toEqual(expected);
    const updated = await app.gql(
      `mutation { updateProfile(input: { lastName: "Hopper" }) { lastName ${courses} } }`,
      {},
      token,
    );
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.updateProfile).toEqual({ lastName: 'Hopper', courses: expected });
    const onboarded = await app.gql(`mutation { completeOnboarding { onboardingCompleted ${courses} } }`, {}, token);
    expect(onboarded.errors).toBeUndefined();
    expect(onboarded.data!.completeOnboarding).toEqual({ onboardingCompleted: true, courses: expected });
  });

  it('deletes an account softly with everything it owns, after a password check', async () => {
    const user = await createUser(app.db);
    const course = await app.db.course.create({ data: { userId: user.id, name: 'Algebra' } });
    const token = await app.tokens.issue(user.id);
    const wrong = await app.gql(
      `mutation { deleteAccount(input: { password: "nope nope" }) { deletedAt } }`,
      {},
      token,
    );
    expect(wrong.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await app.db.user.count({ where: { id: user.id } })).toBe(1);

    const res = await app.gql(
      `mutation { deleteAccount(input: { password: "${PASSWORD}" }) { deletedId deletionId deletedAt } }`,
      {},
      token,
    );
    expect(res.errors).toBeUndefined();
    expect(await app.db.user.count({ where: { id: user.id } })).toBe(0);
    expect(await app.db.course.count({ where: { id: course.id } })).toBe(0);
    const raw = await app.db.course.findFirstOrThrow({ where: { id: course.id, deletedAt: { not: null } } });
    const rawUser = await app.db.user.findFirstOrThrow({ where: { id: user.id, deletedAt: { not: null } } });
    expect(raw.deletionId).toBe(rawUser.deletionId);
    // The shape every delete answers: the row's global id and the deletion that took it.
    expect(res.data!.deleteAccount).toEqual({
      deletedId: globalId('User', user.id),
      deletionId: rawUser.deletionId,
      deletedAt: rawUser.deletedAt!.toISOString(),
    });
    const me = await app.gql(ME, {}, token);
    expect(me.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

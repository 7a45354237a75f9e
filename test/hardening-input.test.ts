import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { createTestApp, globalId, TEST_JWT_SECRET, type TestApp } from './helpers/app.js';
import { createCourse, createUser } from './helpers/factories.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

const code = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.[0]?.extensions?.code;
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('NUL bytes', () => {
  it('are BAD_USER_INPUT in any string argument, in variables or in the query, and change nothing', async () => {
    const signIn = await app.gql('mutation ($e: String!) { signIn(input: { email: $e, password: "x" }) { token } }', {
      e: 'a\u0000@example.com',
    });
    expect(code(signIn)).toBe('BAD_USER_INPUT');
    expect(signIn.status).toBe(200);

    const user = await createUser(app.db, { firstName: 'Before' });
    const token = await app.tokens.issue(user.id);
    const literal = await app.gql(
      'mutation { updateProfile(input: { firstName: "Nul\\u0000Name" }) { firstName } }',
      {},
      token,
    );
    expect(code(literal)).toBe('BAD_USER_INPUT');
    const nested = await app.gql(
      'mutation ($input: CreateCourseInput!) { createCourse(input: $input) { id } }',
      { input: { name: 'ok', instructor: 'x\u0000y' } },
      token,
    );
    expect(code(nested)).toBe('BAD_USER_INPUT');
    expect((await app.db.user.findUniqueOrThrow({ where: { id: user.id } })).firstName).toBe('Before');
    expect(await app.db.course.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe('cursors', () => {
  it('a forged cursor on a Prisma-backed list is BAD_USER_INPUT; a real one pages', async () => {
    const user = await createUser(app.db);
    await createCourse(app.db, user.id, { name: 'A' });
    await createCourse(app.db, user.id, { name: 'B' });
    const token = await app.tokens.issue(user.id);
    const page = (after: string) =>
      app.gql(
        'query ($after: String) { me { courses(first: 1, after: $after) { edges { cursor node { name } } } } }',
        { after },
        token,
      );
    for (const forged of [b64('GPC:S:not-a-uuid'), b64('GPC:J:[1,2]'), b64('GPC:D:x'), b64('GPC:N:5')]) {
      expect(code(await page(forged))).toBe('BAD_USER_INPUT');
    }
    const first = await app.gql('{ me { courses(first: 1) { edges { cursor node { name } } } } }', {}, token);
    const cursor = first.data!.me.courses.edges[0].cursor as string;
    expect((await page(cursor)).data!.me.courses.edges).toEqual([{ cursor: expect.any(String), node: { name: 'B' } }]);
  });
});

describe('tokens', () => {
  it('a correctly signed token whose subject is not a uuid is no viewer (no 500)', async () => {
    const key = new TextEncoder().encode(TEST_JWT_SECRET);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('admin')
      .setIssuer('study-planner-api')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(key);
    const res = await app.gql('{ me { id } }', {}, token);
    expect(res.status).toBe(200);
    expect(code(res)).toBe('UNAUTHENTICATED');
  });
});

describe('admin search', () => {
  it('matches LIKE wildcards literally', async () => {
    const admin = await createUser(app.db, { role: 'ADMIN' });
    await createUser(app.db, { firstName: '100%_sure' });
    const token = await app.tokens.issue(admin.id);
    const search = async (s: string) =>
      (
        await app.gql(
          'query ($s: String) { users(first: 50, search: $s) { edges { node { firstName } } } }',
          { s },
          token,
        )
      ).data!.users.edges.map((e: { node: { firstName: string } }) => e.node.firstName);
    expect(await search('%')).toEqual(['100%_sure']);
    expect(await search('_')).toEqual(['100%_sure']);
    expect(await search('0%_s')).toEqual(['100%_sure']);
    expect(await search('Sa_')).toEqual([]);
  });
});

describe('mutation results', () => {
  it('updateProfile and completeOnboarding answer fields such as overdueCount (no committed write reported as an error)', async () => {
    const user = await createUser(app.db);
    const token = await app.tokens.issue(user.id);
    const updated = await app.gql(
      'mutation { updateProfile(input: { firstName: "Zed" }) { firstName overdueCount } }',
      {},
      token,
    );
    expect(updated).toMatchObject({ data: { updateProfile: { firstName: 'Zed', overdueCount: 0 } } });
    expect(updated.errors).toBeUndefined();
    const onboarded = await app.gql('mutation { completeOnboarding { onboardingCompleted overdueCount } }', {}, token);
    expect(onboarded.errors).toBeUndefined();
    expect(onboarded.data).toEqual({ completeOnboarding: { onboardingCompleted: true, overdueCount: 0 } });
  });
});

describe('far-future dates', () => {
  const FAR = '9999-12-31T23:59:59.999Z';
  it('a stored date past year 9999 does not break a read: me and the admin users list answer it as 9999-12-31', async () => {
    const user = await createUser(app.db);
    await app.db
      .$executeRaw`UPDATE "User" SET "subscriptionTier" = 'PREMIUM', "subscriptionExpiresAt" = '10000-01-01T00:00:00Z' WHERE "id" = ${user.id}::uuid`;
    const token = await app.tokens.issue(user.id);
    // Planned (one SQL statement) and generic execution alike.
    for (const query of [
      '{ me { subscriptionExpiresAt } }',
      '{ me { subscriptionExpiresAt firstName overdueCount } }',
    ]) {
      const me = await app.gql(query, {}, token);
      expect(me.errors).toBeUndefined();
      expect(me.data!.me.subscriptionExpiresAt).toBe(FAR);
    }
    const admin = await createUser(app.db, { role: 'ADMIN' });
    const users = await app.gql(
      '{ users(first: 100) { edges { node { id subscriptionExpiresAt } } } }',
      {},
      await app.tokens.issue(admin.id),
    );
    expect(users.errors).toBeUndefined();
    const expiries = users.data!.users.edges.map(
      (e: { node: { subscriptionExpiresAt: string | null } }) => e.node.subscriptionExpiresAt,
    );
    expect(expiries).toContain(FAR);
  });

  it('a DateTime input past year 9999 is BAD_USER_INPUT, and one the domain does not take is refused by field', async () => {
    const user = await createUser(app.db);
    const token = await app.tokens.issue(user.id);
    const course = await createCourse(app.db, user.id);
    const create = 'mutation ($in: CreateAssignmentInput!) { createAssignment(input: $in) { id } }';
    const input = (dueAt: string) => ({ in: { courseId: globalId('Course', course.id), title: 'far', dueAt } });
    const tooFar = await app.gql(create, input('10000-01-01T00:00:00Z'), token);
    expect(code(tooFar)).toBe('BAD_USER_INPUT');
    const outOfRange = await app.gql(create, input('9999-12-31T00:00:00Z'), token);
    expect(outOfRange.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'dueAt' });
    expect(await app.db.assignment.count({ where: { userId: user.id } })).toBe(0);
  });
});

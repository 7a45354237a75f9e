import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  getIntrospectionQuery,
  buildClientSchema,
  type IntrospectionQuery,
  type GraphQLField,
  isNonNullType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isScalarType,
  type GraphQLArgument,
} from 'graphql';
import { grantAdmin } from '../src/resolvers/admin/grant-admin.js';
import { NotFoundError } from '../src/errors.js';
import { createTestApp, globalId, type TestApp } from './helpers/app.js';
import { createAssignment, createCourse, createUser, PASSWORD } from './helpers/factories.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ env: { ADMIN_EMAILS: 'Boss@Example.com, ops@example.com' } });
});
afterAll(() => app.close());

async function signedIn(role: 'USER' | 'ADMIN' = 'USER') {
  const user = await createUser(app.db, { role });
  return { user, token: await app.tokens.issue(user.id), gid: globalId('User', user.id) };
}

const auditOf = (targetId: string) =>
  app.db.auditLog.findMany({ where: { targetId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });

const ME = '{ me { id accountStatus role } }';

describe('suspend and reactivate', () => {
  it('suspends: the tokens stop at once on this replica, sign-in is refused, an audit row; reactivate undoes it', async () => {
    const admin = await signedIn('ADMIN');
    const student = await signedIn();
    expect((await app.gql(ME, {}, student.token)).data?.me.accountStatus).toBe('ACTIVE');
    const res = await app.gql(
      `mutation($id: ID!) { suspendUser(id: $id, reason: "spam") { id accountStatus } }`,
      { id: student.gid },
      admin.token,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.suspendUser.accountStatus).toBe('SUSPENDED');
    // The viewer cache (30 s by default) was told: the token is refused now, not in 30 s.
    expect((await app.gql(ME, {}, student.token)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const signIn = await app.gql(
      `mutation($e: String!, $p: String!) { signIn(input: { email: $e, password: $p }) { token } }`,
      { e: student.user.email, p: PASSWORD },
    );
    expect(signIn.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const [entry] = await auditOf(student.user.id);
    expect(entry).toMatchObject({
      actorId: admin.user.id,
      action: 'user.suspend',
      targetType: 'User',
      before: { accountStatus: 'ACTIVE' },
      after: { accountStatus: 'SUSPENDED', reason: 'spam' },
    });

    const back = await app.gql(
      `mutation($id: ID!) { reactivateUser(id: $id) { accountStatus } }`,
      { id: student.gid },
      admin.token,
    );
    expect(back.data?.reactivateUser.accountStatus).toBe('ACTIVE');
    expect((await app.gql(ME, {}, student.token)).data?.me.accountStatus).toBe('ACTIVE');
    const entries = await auditOf(student.user.id);
    expect(entries.map((e) => [e.action, e.before, e.after])).toEqual([
      ['user.suspend', { accountStatus: 'ACTIVE' }, { accountStatus: 'SUSPENDED', reason: 'spam' }],
      ['user.reactivate', { accountStatus: 'SUSPENDED' }, { accountStatus: 'ACTIVE' }],
    ]);

    // Readable by admins, through the auditLog connection.
    const log = await app.gql(
      `query($t: ID!) { auditLog(targetId: $t, first: 10) { totalCount edges { node { action actorId targetId changedFrom changedTo before after createdAt } } } }`,
      { t: student.gid },
      admin.token,
    );
    expect(log.errors).toBeUndefined();
    expect(log.data?.auditLog.totalCount).toBe(2);
    expect(log.data?.auditLog.edges[0].node).toMatchObject({
      action: 'user.reactivate',
      actorId: admin.gid,
      targetId: student.gid,
      changedFrom: { accountStatus: 'SUSPENDED' },
      changedTo: { accountStatus: 'ACTIVE' },
      // The deprecated text fields: the same values as JSON text.
      before: '{"accountStatus":"SUSPENDED"}',
      after: '{"accountStatus":"ACTIVE"}',
    });
  });

  it('an admin cannot suspend themselves; an unknown account is NOT_FOUND; nothing is logged', async () => {
    const admin = await signedIn('ADMIN');
    const self = await app.gql(`mutation($id: ID!) { suspendUser(id: $id) { id } }`, { id: admin.gid }, admin.token);
    expect(self.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const ghost = globalId('User', '00000000-0000-4000-8000-000000000001');
    const missing = await app.gql(`mutation($id: ID!) { suspendUser(id: $id) { id } }`, { id: ghost }, admin.token);
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await app.db.auditLog.count({ where: { actorId: admin.user.id } })).toBe(0);
  });
});

describe('change role', () => {
  it('promotes a user (who then may use admin fields at once) and demotes again; audited; not your own role', async () => {
    const admin = await signedIn('ADMIN');
    const student = await signedIn();
    const users = '{ users(first: 1) { totalCount } }';
    expect((await app.gql(users, {}, student.token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const up = await app.gql(
      `mutation($id: ID!) { changeUserRole(id: $id, role: ADMIN) { role } }`,
      { id: student.gid },
      admin.token,
    );
    expect(up.data?.changeUserRole.role).toBe('ADMIN');
    expect((await app.gql(users, {}, student.token)).errors).toBeUndefined();
    await app.gql(
      `mutation($id: ID!) { changeUserRole(id: $id, role: USER) { role } }`,
      { id: student.gid },
      admin.token,
    );
    expect((await app.gql(users, {}, student.token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await auditOf(student.user.id)).map((e) => [e.action, e.before, e.after])).toEqual([
      ['user.role', { role: 'USER' }, { role: 'ADMIN' }],
      ['user.role', { role: 'ADMIN' }, { role: 'USER' }],
    ]);
    const own = await app.gql(
      `mutation($id: ID!) { changeUserRole(id: $id, role: USER) { role } }`,
      { id: admin.gid },
      admin.token,
    );
    expect(own.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('restore', () => {
  it('restores a deleted account with exactly what its deletion took; audited', async () => {
    const admin = await signedIn('ADMIN');
    const student = await signedIn();
    const course = await createCourse(app.db, student.user.id);
    const kept = await createAssignment(app.db, student.user.id, course.id);
    const deletedBefore = await createAssignment(app.db, student.user.id, course.id);
    await app.db.assignment.delete({ where: { id: deletedBefore.id } });
    const del = await app.gql(
      `mutation($p: String!) { deleteAccount(input: { password: $p }) { deletedAt } }`,
      { p: PASSWORD },
      student.token,
    );
    expect(del.errors).toBeUndefined();
    expect(await app.db.course.count({ where: { userId: student.user.id } })).toBe(0);
    // The replica now remembers the token's account as gone…
    expect((await app.gql(ME, {}, student.token)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const res = await app.gql(
      `mutation($id: ID!) { restoreUser(id: $id) { id email courses(first: 5) { totalCount } } }`,
      { id: student.gid },
      admin.token,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.restoreUser.courses.totalCount).toBe(1);
    expect(await app.db.assignment.findMany({ where: { userId: student.user.id }, select: { id: true } })).toEqual([
      { id: kept.id },
    ]);
    // …and forgets that at the restore: the token works again at once.
    expect((await app.gql(ME, {}, student.token)).data?.me.id).toBe(student.gid);
    const [entry] = await auditOf(student.user.id);
    expect(entry?.action).toBe('user.restore');
    expect(entry?.after).toMatchObject({ deletedAt: null, restored: { courses: 1, assignments: 1 } });
    expect((entry?.before as { deletionId: string }).deletionId).toEqual(expect.any(String));
  });

  it('CONFLICT when a live account has taken the email since', async () => {
    const admin = await signedIn('ADMIN');
    const student = await signedIn();
    await app.gql(
      `mutation($p: String!) { deleteAccount(input: { password: $p }) { deletedAt } }`,
      { p: PASSWORD },
      student.token,
    );
    await createUser(app.db, { email: student.user.email });
    const res = await app.gql(`mutation($id: ID!) { restoreUser(id: $id) { id } }`, { id: student.gid }, admin.token);
    expect(res.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await auditOf(student.user.id)).toHaveLength(0);
  });

  it("restores any student's deleted course with its cascade; the owner gets course.restored; audited", async () => {
    const admin = await signedIn('ADMIN');
    const student = await signedIn();
    const course = await createCourse(app.db, student.user.id);
    await createAssignment(app.db, student.user.id, course.id);
    const courseGid = globalId('Course', course.id);
    const del = await app.gql(
      `mutation($id: ID!) { deleteCourse(id: $id) { deletedId } }`,
      { id: courseGid },
      student.token,
    );
    expect(del.errors).toBeUndefined();
    // The student's own restoreCourse is theirs only: the admin uses restoreAnyCourse.
    const res = await app.gql(
      `mutation($id: ID!) { restoreAnyCourse(id: $id) { id name assignments(first: 5) { totalCount } } }`,
      { id: courseGid },
      admin.token,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.restoreAnyCourse.assignments.totalCount).toBe(1);
    const [entry] = await auditOf(course.id);
    expect(entry).toMatchObject({
      actorId: admin.user.id,
      action: 'course.restore',
      targetType: 'Course',
      after: { deletedAt: null, restored: { assignments: 1, lectures: 0, studySessions: 0 } },
    });
    expect(await app.db.outboxEvent.count({ where: { aggregateId: course.id, type: 'course.restored' } })).toBe(1);
    // Restoring a live course changes nothing and logs nothing.
    await app.gql(`mutation($id: ID!) { restoreAnyCourse(id: $id) { id } }`, { id: courseGid }, admin.token);
    expect(await auditOf(course.id)).toHaveLength(1);
  });
});

describe('bootstrap', () => {
  it('ADMIN_EMAILS: an account signing up with a listed email becomes an admin (audited, actor none)', async () => {
    const res = await app.gql(
      `mutation { signUp(input: { email: "boss@example.com", password: "correct horse battery", firstName: "B", lastName: "Oss" }) { token user { id } } }`,
    );
    expect(res.errors).toBeUndefined();
    await app.bus.idle();
    const boss = await app.db.user.findFirstOrThrow({ where: { email: 'boss@example.com' } });
    expect(boss.role).toBe('ADMIN');
    const [entry] = await auditOf(boss.id);
    expect(entry).toMatchObject({
      actorId: null,
      action: 'user.grant_admin',
      after: { role: 'ADMIN', source: 'config' },
    });
  });

  it('grantAdmin (the command line): promotes once, then reports it was done; NOT_FOUND for an unknown email', async () => {
    const user = await createUser(app.db, { email: 'founder@example.com' });
    const ctx = { db: app.db, now: () => new Date() };
    expect(await grantAdmin(ctx, { email: ' Founder@Example.com ', source: 'cli' })).toEqual({
      userId: user.id,
      changed: true,
    });
    expect(await grantAdmin(ctx, { email: 'founder@example.com', source: 'cli' })).toEqual({
      userId: user.id,
      changed: false,
    });
    await expect(grantAdmin(ctx, { email: 'nobody@example.com', source: 'cli' })).rejects.toBeInstanceOf(NotFoundError);
    expect(await auditOf(user.id)).toHaveLength(1);
  });

  it('npm run admin:grant opens the database the server would (DATABASE_URL) and promotes the account', async () => {
    if (app.database.embedded) return; // one process per embedded database: covered by grantAdmin above
    const user = await createUser(app.db, { email: 'cli-admin@example.com' });
    const run = promisify(execFile);
    const { stdout } = await run('npx', ['tsx', 'scripts/admin-grant.ts', 'cli-admin@example.com'], {
      env: { ...process.env, DATABASE_URL: app.database.url, LOG_LEVEL: 'silent' },
    });
    expect(stdout).toContain('is now an admin');
    expect((await app.db.user.findUniqueOrThrow({ where: { id: user.id } })).role).toBe('ADMIN');
    await expect(
      run('npx', ['tsx', 'scripts/admin-grant.ts', 'nobody@example.com'], {
        env: { ...process.env, DATABASE_URL: app.database.url },
      }),
    ).rejects.toMatchObject({ code: 1 });
  }, 60_000);
});

/**
 * The stranger walk over every admin field: each Query and Mutation field whose description
 * starts "Admin only" is called, with placeholder arguments, by a student (FORBIDDEN) and by
 * nobody (UNAUTHENTICATED). A new admin field is covered without editing this test.
 */
describe('stranger walk: admin fields', () => {
  function placeholder(arg: Pick<GraphQLArgument, 'type'>, idType: string): string | null {
    if (!isNonNullType(arg.type)) return null;
    const named = getNamedType(arg.type);
    if (isEnumType(named)) return named.getValues()[0]!.name;
    if (isScalarType(named)) {
      if (named.name === 'ID') return JSON.stringify(globalId(idType, '00000000-0000-4000-8000-000000000001'));
      if (named.name === 'DateTime') return '"2026-01-01T00:00:00Z"';
      if (named.name === 'Int' || named.name === 'Float') return '1';
      if (named.name === 'Boolean') return 'true';
      return '"x"';
    }
    if (!isInputObjectType(named)) throw new Error(`no placeholder for ${String(named)}`);
    const fields = Object.values(named.getFields())
      .map((f) => [f.name, placeholder(f, idType)] as const)
      .filter(([, v]) => v !== null);
    return `{ ${fields.map(([n, v]) => `${n}: ${v}`).join(', ')} }`;
  }
  function operation(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
    const args = field.args
      .map((a) => [a.name, placeholder(a, /Course/.test(field.name) ? 'Course' : 'User')] as const)
      .filter(([, v]) => v !== null)
      .map(([n, v]) => `${n}: ${v}`);
    const call = args.length ? `${field.name}(${args.join(', ')})` : field.name;
    return `${kind} { ${call} { __typename } }`;
  }

  it('every admin field is FORBIDDEN for a student and UNAUTHENTICATED signed out, and changes nothing', async () => {
    const introspection = await app.gql<IntrospectionQuery>(getIntrospectionQuery());
    const schema = buildClientSchema(introspection.data!);
    const fields = (['query', 'mutation'] as const).flatMap((kind) => {
      const type = kind === 'query' ? schema.getQueryType()! : schema.getMutationType()!;
      return Object.values(type.getFields())
        .filter((f) => f.description?.startsWith('Admin only'))
        .map((f) => ({ kind, field: f }));
    });
    const names = fields.map((f) => f.field.name);
    for (const expected of [
      'analytics',
      'databaseHealth',
      'auditLog',
      'webhookEvents',
      'users',
      'deadLetters',
      'suspendUser',
      'reactivateUser',
      'changeUserRole',
      'restoreUser',
      'restoreAnyCourse',
      'retryDeadLetter',
    ]) {
      expect(names).toContain(expected);
    }
    const student = await signedIn();
    const audits = await app.db.auditLog.count();
    for (const { kind, field } of fields) {
      const doc = operation(kind, field);
      const asStudent = await app.gql(doc, {}, student.token);
      expect([field.name, asStudent.errors?.[0]?.extensions?.code]).toEqual([field.name, 'FORBIDDEN']);
      const anonymous = await app.gql(doc);
      expect([field.name, anonymous.errors?.[0]?.extensions?.code]).toEqual([field.name, 'UNAUTHENTICATED']);
    }
    expect(await app.db.auditLog.count()).toBe(audits);
  });
});

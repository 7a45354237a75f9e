import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withDeleted } from '../src/db/soft-delete.js';
import { createTestApp, globalId, type TestApp } from './helpers/app.js';
import { createAssignment, createCourse, createStudySession, createUser } from './helpers/factories.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe('soft delete in the Prisma client', () => {
  it('turns delete into an update of deletedAt, and every read skips the row', async () => {
    const user = await createUser(app.db);
    const course = await createCourse(app.db, user.id, { name: 'Physics' });
    const result = await app.db.course.delete({ where: { id: course.id } });
    expect(result.count).toBe(1);

    expect(await app.db.course.findUnique({ where: { id: course.id } })).toBeNull();
    expect(await app.db.course.findFirst({ where: { userId: user.id } })).toBeNull();
    expect(await app.db.course.findMany({ where: { userId: user.id } })).toEqual([]);
    expect(await app.db.course.count({ where: { userId: user.id } })).toBe(0);
    const agg = await app.db.course.aggregate({ where: { userId: user.id }, _count: { _all: true } });
    expect(agg._count._all).toBe(0);
    expect(await app.db.course.groupBy({ by: ['userId'], where: { userId: user.id } })).toEqual([]);
    await expect(app.db.course.findUniqueOrThrow({ where: { id: course.id } })).rejects.toThrow();

    // The row is still there, for admin and job code that asks for deleted rows explicitly.
    const raw = await app.db.course.findMany({ where: withDeleted({ userId: user.id }) });
    expect(raw).toHaveLength(1);
    expect(raw[0]!.deletedAt).toBeInstanceOf(Date);
  });

  it('reads deleted rows only through withDeleted: naming deletedAt as undefined keeps the filter on', async () => {
    const user = await createUser(app.db);
    const course = await createCourse(app.db, user.id, { name: 'Chemistry' });
    await app.db.course.delete({ where: { id: course.id } });
    expect(await app.db.course.findFirst({ where: { id: course.id, deletedAt: undefined } })).toBeNull();
    expect(await app.db.course.findFirst({ where: withDeleted({ id: course.id }) })).toMatchObject({ id: course.id });
    // A condition on deletedAt itself is taken as written (the purge job's cut-off).
    expect(await app.db.course.count({ where: { id: course.id, deletedAt: { not: null } } })).toBe(1);
  });

  it('restores exactly the rows of one deletion', async () => {
    const user = await createUser(app.db);
    const a = await createCourse(app.db, user.id);
    const b = await createCourse(app.db, user.id);
    await app.db.course.delete({ where: { id: a.id } });
    const { deletionId } = await app.db.course.deleteMany({ where: { userId: user.id } });
    expect(await app.db.course.restore({ deletionId })).toEqual({ count: 1 });
    const live = await app.db.course.findMany({ where: { userId: user.id } });
    expect(live.map((c) => c.id)).toEqual([b.id]);
  });

  it('is part of the surrounding transaction', async () => {
    const user = await createUser(app.db);
    const course = await createCourse(app.db, user.id);
    await expect(
      app.db.$transaction(async (tx) => {
        await tx.course.delete({ where: { id: course.id } });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await app.db.course.count({ where: { id: course.id } })).toBe(1);
  });

  it('filters nested relation loads, relation counts and to-one relations', async () => {
    const user = await createUser(app.db);
    const keep = await createCourse(app.db, user.id, { name: 'Keep' });
    const gone = await createCourse(app.db, user.id, { name: 'Gone' });
    const assignment = await createAssignment(app.db, user.id, keep.id);
    const session = await createStudySession(app.db, user.id, keep.id, assignment.id);
    await app.db.course.delete({ where: { id: gone.id } });
    await app.db.assignment.delete({ where: { id: assignment.id } });

    const loaded = await app.db.user.findUniqueOrThrow({
      where: { id: user.id },
      include: { courses: { include: { assignments: true } }, _count: true },
    });
    expect(loaded.courses.map((c) => c.name)).toEqual(['Keep']);
    expect(loaded.courses[0]!.assignments).toEqual([]);
    expect(loaded._count.courses).toBe(1);
    expect(loaded._count.assignments).toBe(0);

    const withSelect = await app.db.studySession.findUniqueOrThrow({
      where: { id: session.id },
      select: { assignment: { select: { title: true } } },
    });
    expect(withSelect.assignment).toBeNull();
  });
});

describe('soft delete through GraphQL', () => {
  const QUERY = `{
    me {
      courses(first: 10) {
        totalCount
        edges { node { name assignments(first: 10) { totalCount edges { node { title } } } studySessions(first: 10) { edges { node { title assignment { title } } } } } }
      }
    }
  }`;

  it('hides a deleted child from lists, connection totals and to-one relations', async () => {
    const user = await createUser(app.db);
    const course = await createCourse(app.db, user.id, { name: 'Chemistry' });
    const deletedCourse = await createCourse(app.db, user.id, { name: 'Biology' });
    const kept = await createAssignment(app.db, user.id, course.id, { title: 'Lab report' });
    const removed = await createAssignment(app.db, user.id, course.id, { title: 'Quiz' });
    await createStudySession(app.db, user.id, course.id, removed.id);
    await app.db.course.delete({ where: { id: deletedCourse.id } });
    await app.db.assignment.delete({ where: { id: removed.id } });

    const res = await app.gql(QUERY, {}, await app.tokens.issue(user.id));
    expect(res.errors).toBeUndefined();
    const courses = res.data!.me.courses;
    expect(courses.totalCount).toBe(1);
    expect(courses.edges).toHaveLength(1);
    const node = courses.edges[0].node;
    expect(node.name).toBe('Chemistry');
    expect(node.assignments.totalCount).toBe(1);
    expect(node.assignments.edges.map((e: { node: { title: string } }) => e.node.title)).toEqual([kept.title]);
    expect(node.studySessions.edges[0].node.assignment).toBeNull();
  });

  it('does not resolve a deleted row by its global id', async () => {
    const user = await createUser(app.db);
    const course = await createCourse(app.db, user.id);
    await app.db.course.delete({ where: { id: course.id } });
    const id = Buffer.from(`Course:${course.id}`).toString('base64');
    const res = await app.gql(`query ($id: ID!) { node(id: $id) { id } }`, { id }, await app.tokens.issue(user.id));
    expect(res.errors).toBeUndefined();
    expect(res.data!.node).toBeNull();
  });

  it("answers node: null, without errors, for another user's rows and for a non-uuid id", async () => {
    const owner = await createUser(app.db);
    const course = await createCourse(app.db, owner.id);
    const assignment = await createAssignment(app.db, owner.id, course.id);
    const session = await createStudySession(app.db, owner.id, course.id, assignment.id);
    const startsAt = new Date(Date.now() + 3_600_000);
    const lecture = await app.db.lecture.create({
      data: {
        userId: owner.id,
        courseId: course.id,
        title: 'Intro',
        startsAt,
        endsAt: new Date(+startsAt + 3_600_000),
      },
    });
    const ids = [
      globalId('Course', course.id),
      globalId('Assignment', assignment.id),
      globalId('Lecture', lecture.id),
      globalId('StudySession', session.id),
      globalId('User', owner.id),
    ];
    const NODE = `query ($id: ID!) { node(id: $id) { id } }`;
    const node = async (id: string, token: string) => {
      const res = await app.gql(NODE, { id }, token);
      return [id, res.errors, res.data?.node];
    };

    // The owner, and an admin, read every one of them: the null answers below are not a broken lookup.
    const admin = await createUser(app.db, { role: 'ADMIN' });
    for (const token of [await app.tokens.issue(owner.id), await app.tokens.issue(admin.id)]) {
      for (const id of ids) expect(await node(id, token)).toEqual([id, undefined, { id }]);
    }
    const stranger = await app.tokens.issue((await createUser(app.db)).id);
    for (const id of ids) expect(await node(id, stranger)).toEqual([id, undefined, null]);
    for (const type of ['Course', 'Assignment', 'Lecture', 'StudySession', 'User']) {
      for (const inner of ['not-a-uuid', '42']) {
        const id = globalId(type, inner);
        expect(await node(id, stranger)).toEqual([id, undefined, null]);
      }
    }
  });
});

describe('the database connection', () => {
  it('keeps working after a query fails (also on the embedded database)', async () => {
    await expect(app.db.$queryRawUnsafe('SELECT no_such_column FROM "User"')).rejects.toThrow();
    await expect(app.db.$queryRawUnsafe('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
  });
});

describe('foreign keys', () => {
  it('never cascade or null on delete: parents are soft-deleted by the application, and purged last', async () => {
    const keys = await app.db.$queryRaw<{ name: string; onDelete: string }[]>`
      SELECT conname::text AS "name", confdeltype::text AS "onDelete"
      FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace ORDER BY 1`;
    expect(keys.length).toBeGreaterThan(10);
    // 'r': RESTRICT.
    expect(keys.filter((k) => k.onDelete !== 'r')).toEqual([]);
  });
});

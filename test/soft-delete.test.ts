import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withDeleted } from '../src/db/soft-delete.js';
import { createTestApp, type TestApp } from './helpers/app.js';
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
    expect(res.data?.node ?? null).toBeNull();
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withDeleted } from '../src/db/soft-delete.js';
import { createTestApp, globalId as gid, rawId as raw, type TestApp } from './helpers/app.js';
import { createAssignment, createCourse, createStudySession, createUser } from './helpers/factories.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

const FIELDS = 'id name code color instructor term archived archivedAt';
const CREATE = `mutation ($input: CreateCourseInput!) { createCourse(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateCourseInput!) { updateCourse(id: $id, input: $input) { ${FIELDS} } }`;
const DELETE = `mutation ($id: ID!) { deleteCourse(id: $id) { deletedId deletionId } }`;
const RESTORE = `mutation ($id: ID!) { restoreCourse(id: $id) { id name assignments(first: 10) { totalCount } } }`;
const COURSE = `query ($id: ID!) { course(id: $id) { id name } }`;
const COURSES = `query ($first: Int, $after: String, $filter: CourseFilter) {
  courses(first: $first, after: $after, filter: $filter) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { name } }
  }
}`;

async function signedIn(role: 'USER' | 'ADMIN' = 'USER') {
  const user = await createUser(app.db, { role });
  return { user, token: await app.tokens.issue(user.id) };
}

const events = (aggregateId: string) =>
  app.db.outboxEvent.findMany({
    where: { aggregateId },
    orderBy: { id: 'asc' },
    select: { type: true, payload: true },
  });

async function createLecture(userId: string, courseId: string) {
  const startsAt = new Date(Date.now() + 86_400_000);
  return app.db.lecture.create({
    data: { userId, courseId, title: 'Lecture', startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000) },
  });
}

describe('createCourse', () => {
  it('creates a course with trimmed fields and records course.created', async () => {
    const { user, token } = await signedIn();
    const input = {
      name: ' Linear Algebra ',
      code: 'MATH 221',
      color: '#1a2B3c',
      instructor: 'Dr. Noether',
      term: '2026 Fall',
    };
    const res = await app.gql(CREATE, { input }, token);
    expect(res.errors).toBeUndefined();
    const course = res.data!.createCourse;
    expect(course).toMatchObject({ ...input, name: 'Linear Algebra', archived: false, archivedAt: null });
    const id = raw(course.id);
    expect(await app.db.course.findUniqueOrThrow({ where: { id } })).toMatchObject({ userId: user.id });
    expect(await events(id)).toEqual([{ type: 'course.created', payload: { userId: user.id, courseId: id } }]);
  });

  it.each([
    ['an empty name', { name: '   ' }, 'name'],
    ['a 121-character name', { name: 'x'.repeat(121) }, 'name'],
    ['a colour name', { name: 'Art', color: 'red' }, 'color'],
    ['a colour with a non-hex digit', { name: 'Art', color: '#12345g' }, 'color'],
    ['a short colour', { name: 'Art', color: '#fff' }, 'color'],
    ['a 31-character code', { name: 'Art', code: 'c'.repeat(31) }, 'code'],
    ['a 121-character instructor', { name: 'Art', instructor: 'i'.repeat(121) }, 'instructor'],
    ['a 61-character term', { name: 'Art', term: 't'.repeat(61) }, 'term'],
  ])('rejects %s with BAD_USER_INPUT and creates nothing', async (_label, input, field) => {
    const { user, token } = await signedIn();
    const res = await app.gql(CREATE, { input }, token);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(res.data ?? null).toBeNull();
    expect(await app.db.course.count({ where: withDeleted({ userId: user.id }) })).toBe(0);
    expect(await app.db.outboxEvent.count({ where: { userId: user.id } })).toBe(0);
  });

  it('answers UNAUTHENTICATED without a token, for queries and mutations', async () => {
    const before = await app.db.course.count();
    for (const [query, variables] of [
      [CREATE, { input: { name: 'Anonymous' } }],
      [COURSES, {}],
      [COURSE, { id: gid('Course', '00000000-0000-0000-0000-000000000001') }],
    ] as const) {
      const res = await app.gql(query, variables);
      expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect(await app.db.course.count()).toBe(before);
  });
});

describe('updateCourse', () => {
  it('changes the given fields, clears with null, archives and unarchives, recording course.updated', async () => {
    const { user, token } = await signedIn();
    const course = await app.db.course.create({
      data: { userId: user.id, name: 'Physics', code: 'PHY 1', term: 'Fall' },
    });
    const id = gid('Course', course.id);

    const renamed = await app.gql(UPDATE, { id, input: { name: 'Physics II', code: null, color: '#abcdef' } }, token);
    expect(renamed.errors).toBeUndefined();
    expect(renamed.data!.updateCourse).toMatchObject({
      name: 'Physics II',
      code: null,
      color: '#abcdef',
      term: 'Fall',
    });

    app.clock.now = new Date('2026-05-01T10:00:00Z');
    try {
      const archived = await app.gql(UPDATE, { id, input: { archived: true } }, token);
      expect(archived.data!.updateCourse).toMatchObject({ archived: true, archivedAt: '2026-05-01T10:00:00.000Z' });
      app.clock.now = new Date('2026-05-02T10:00:00Z');
      const again = await app.gql(UPDATE, { id, input: { archived: true } }, token);
      expect(again.data!.updateCourse.archivedAt).toBe('2026-05-01T10:00:00.000Z');
    } finally {
      app.clock.now = new Date();
    }
    const active = await app.gql(UPDATE, { id, input: { archived: false } }, token);
    expect(active.data!.updateCourse).toMatchObject({ archived: false, archivedAt: null });

    const payload = { userId: user.id, courseId: course.id };
    expect(await events(course.id)).toEqual(Array(4).fill({ type: 'course.updated', payload }));
  });

  it('rejects bad input and leaves the row as it was', async () => {
    const { user, token } = await signedIn();
    const course = await createCourse(app.db, user.id, { name: 'History' });
    const id = gid('Course', course.id);
    for (const input of [
      {},
      { name: null },
      { name: '' },
      { archived: null },
      { color: 'blue' },
      { term: 't'.repeat(61) },
    ]) {
      const res = await app.gql(UPDATE, { id, input }, token);
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect(await app.db.course.findUniqueOrThrow({ where: { id: course.id } })).toEqual(course);
    expect(await events(course.id)).toEqual([]);
  });
});

describe('courses', () => {
  it("lists the viewer's own courses by name, filtered, paged, with totalCount", async () => {
    const { user, token } = await signedIn();
    const other = await createUser(app.db);
    await createCourse(app.db, other.id, { name: 'Alchemy' });
    for (const name of ['Drama', 'Biology', 'Economics', 'Art', 'Chemistry']) {
      await app.db.course.create({ data: { userId: user.id, name, term: name < 'C' ? 'Spring' : 'Fall' } });
    }
    const gone = await createCourse(app.db, user.id, { name: 'Botany' });
    await app.db.course.delete({ where: { id: gone.id } });
    await app.db.course.updateMany({ where: { userId: user.id, name: 'Drama' }, data: { archivedAt: new Date() } });

    const names = (res: { data?: any }) => res.data!.courses.edges.map((e: { node: { name: string } }) => e.node.name);
    const first = await app.gql(COURSES, { first: 2 }, token);
    expect(first.errors).toBeUndefined();
    expect(names(first)).toEqual(['Art', 'Biology']);
    expect(first.data!.courses.totalCount).toBe(5);
    expect(first.data!.courses.pageInfo.hasNextPage).toBe(true);
    const next = await app.gql(COURSES, { first: 2, after: first.data!.courses.pageInfo.endCursor }, token);
    expect(names(next)).toEqual(['Chemistry', 'Drama']);
    const last = await app.gql(COURSES, { first: 2, after: next.data!.courses.pageInfo.endCursor }, token);
    expect(names(last)).toEqual(['Economics']);
    expect(last.data!.courses.pageInfo.hasNextPage).toBe(false);

    const archived = await app.gql(COURSES, { filter: { archived: true } }, token);
    expect(names(archived)).toEqual(['Drama']);
    const active = await app.gql(COURSES, { filter: { archived: false, term: 'Fall' } }, token);
    expect(names(active)).toEqual(['Chemistry', 'Economics']);
    expect(active.data!.courses.totalCount).toBe(2);
  });

  it.each([
    // The generic path: the viewer, the page of courses with their assignments joined in, and the count.
    ['off', 3],
    // Planned: the viewer and one statement (src/planner).
    ['on', 2],
  ])(
    'loads courses with their assignments in a bounded number of SQL statements (PLANNED_EXECUTION=%s)',
    async (planned, expected) => {
      const statements: string[] = [];
      const counted = await createTestApp({
        onQuery: (sql) => statements.push(sql),
        env: { PLANNED_EXECUTION: planned },
      });
      try {
        const user = await createUser(counted.db);
        for (let i = 0; i < 4; i++) {
          const course = await createCourse(counted.db, user.id);
          await createAssignment(counted.db, user.id, course.id);
        }
        const token = await counted.tokens.issue(user.id);
        statements.length = 0;
        const res = await counted.gql(
          `{ courses(first: 10) { totalCount edges { node { name assignments(first: 5) { edges { node { title } } } } } } }`,
          {},
          token,
        );
        expect(res.errors).toBeUndefined();
        expect(res.data!.courses.edges).toHaveLength(4);
        expect(statements.filter((sql) => sql.trimStart().startsWith('SELECT'))).toHaveLength(expected);
      } finally {
        await counted.close();
      }
    },
  );
});

describe('deleteCourse and restoreCourse', () => {
  it('deletes the course and its live tasks under one deletionId and restores exactly those', async () => {
    const { user, token } = await signedIn();
    const course = await createCourse(app.db, user.id);
    const other = await createCourse(app.db, user.id);
    const kept = await createAssignment(app.db, user.id, course.id);
    const earlier = await createAssignment(app.db, user.id, course.id);
    const session = await createStudySession(app.db, user.id, course.id, kept.id);
    const lecture = await createLecture(user.id, course.id);
    const unrelated = await createAssignment(app.db, user.id, other.id);
    const { deletionId: earlierDeletion } = await app.db.assignment.delete({ where: { id: earlier.id } });

    const res = await app.gql(DELETE, { id: gid('Course', course.id) }, token);
    expect(res.errors).toBeUndefined();
    const { deletedId, deletionId } = res.data!.deleteCourse;
    expect(deletedId).toBe(gid('Course', course.id));

    const deletionOf = async (model: 'course' | 'assignment' | 'lecture' | 'studySession', id: string) =>
      ((await (app.db[model] as any).findFirst({ where: withDeleted({ id }) })) as { deletionId: string | null })
        .deletionId;
    expect(await deletionOf('course', course.id)).toBe(deletionId);
    expect(await deletionOf('assignment', kept.id)).toBe(deletionId);
    expect(await deletionOf('studySession', session.id)).toBe(deletionId);
    expect(await deletionOf('lecture', lecture.id)).toBe(deletionId);
    expect(await deletionOf('assignment', earlier.id)).toBe(earlierDeletion);
    expect(await deletionOf('assignment', unrelated.id)).toBeNull();
    const gone = await app.gql(COURSE, { id: deletedId }, token);
    expect(gone.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const restored = await app.gql(RESTORE, { id: deletedId }, token);
    expect(restored.errors).toBeUndefined();
    expect(restored.data!.restoreCourse.assignments.totalCount).toBe(1);
    expect(await app.db.assignment.findMany({ where: { courseId: course.id }, select: { id: true } })).toEqual([
      { id: kept.id },
    ]);
    expect(await app.db.studySession.count({ where: { id: session.id } })).toBe(1);
    expect(await app.db.lecture.count({ where: { id: lecture.id } })).toBe(1);
    expect(await deletionOf('assignment', earlier.id)).toBe(earlierDeletion);

    const counts = { userId: user.id, courseId: course.id, deletionId, assignments: 1, lectures: 1, studySessions: 1 };
    expect(await events(course.id)).toEqual([
      { type: 'course.deleted', payload: counts },
      { type: 'course.restored', payload: counts },
    ]);
  });

  it('returns a live course unchanged from restoreCourse, with no event', async () => {
    const { user, token } = await signedIn();
    const course = await createCourse(app.db, user.id);
    const res = await app.gql(RESTORE, { id: gid('Course', course.id) }, token);
    expect(res.errors).toBeUndefined();
    expect(res.data!.restoreCourse.name).toBe(course.name);
    expect(await app.db.course.findUniqueOrThrow({ where: { id: course.id } })).toEqual(course);
    expect(await events(course.id)).toEqual([]);
  });

  it('answers NOT_FOUND to deleting a course twice', async () => {
    const { user, token } = await signedIn();
    const course = await createCourse(app.db, user.id);
    expect((await app.gql(DELETE, { id: gid('Course', course.id) }, token)).errors).toBeUndefined();
    const again = await app.gql(DELETE, { id: gid('Course', course.id) }, token);
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await app.db.outboxEvent.count({ where: { aggregateId: course.id } })).toBe(1);
  });
});

describe('ids', () => {
  it('answers BAD_USER_INPUT to a malformed or wrong-type global id, NOT_FOUND to a non-uuid inside one', async () => {
    const { user, token } = await signedIn();
    const course = await createCourse(app.db, user.id);
    type Operation = [string, Record<string, unknown>];
    const byCourseId = (bad: string): Operation[] => [
      [COURSE, { id: bad }],
      [UPDATE, { id: bad, input: { name: 'x' } }],
      [DELETE, { id: bad }],
      [RESTORE, { id: bad }],
    ];
    const expectAnswers = async (operations: Operation[], code: string, message: string) => {
      for (const [query, variables] of operations) {
        const res = await app.gql(query, variables, token);
        const error = res.errors?.[0];
        expect([query, error?.extensions?.code, error?.message]).toEqual([query, code, message]);
        expect(res.data ?? null).toBeNull();
      }
    };
    // Malformed, or of another type: Pothos rejects it before the resolver runs.
    for (const bad of ['garbage', '!!!', gid('Course', '')]) {
      await expectAnswers(byCourseId(bad), 'BAD_USER_INPUT', `Invalid global ID: ${bad}`);
    }
    for (const bad of [gid('Assignment', course.id), gid('User', user.id)]) {
      await expectAnswers(byCourseId(bad), 'BAD_USER_INPUT', `ID: ${bad} is not of type: Course`);
    }
    // Well-formed and of the right type, but the id inside is not a uuid: no such row.
    const notUuid = gid('Course', 'not-a-uuid');
    await expectAnswers(byCourseId(notUuid), 'NOT_FOUND', 'Course was not found.');
    const node = await app.gql(`query ($id: ID!) { node(id: $id) { id } }`, { id: notUuid }, token);
    expect(node.errors).toBeUndefined();
    expect(node.data!.node).toBeNull();
    expect(await app.db.course.findUniqueOrThrow({ where: { id: course.id } })).toEqual(course);
  });

  it("lets an admin read another user's course but not change it", async () => {
    const owner = await signedIn();
    const admin = await signedIn('ADMIN');
    const course = await createCourse(app.db, owner.user.id, { name: 'Owned' });
    const id = gid('Course', course.id);
    const read = await app.gql(COURSE, { id }, admin.token);
    expect(read.errors).toBeUndefined();
    expect(read.data!.course).toEqual({ id, name: 'Owned' });
    const node = await app.gql(`query ($id: ID!) { node(id: $id) { id } }`, { id }, admin.token);
    expect(node.data!.node).toEqual({ id });
    for (const [query, variables] of [
      [UPDATE, { id, input: { name: 'Mine now' } }],
      [DELETE, { id }],
    ] as const) {
      const res = await app.gql(query, variables, admin.token);
      expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
    const list = await app.gql(COURSES, {}, admin.token);
    expect(list.data!.courses.totalCount).toBe(0);
    expect(await app.db.course.findUniqueOrThrow({ where: { id: course.id } })).toEqual(course);
  });
});

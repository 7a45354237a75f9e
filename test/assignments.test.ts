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

const FIELDS = 'id title description dueAt completedAt status priority estimatedMinutes course { id }';
const CREATE = `mutation ($input: CreateAssignmentInput!) { createAssignment(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateAssignmentInput!) { updateAssignment(id: $id, input: $input) { ${FIELDS} } }`;
const COMPLETE = `mutation ($id: ID!) { completeAssignment(id: $id) { completedAt status } }`;
const REOPEN = `mutation ($id: ID!) { reopenAssignment(id: $id) { completedAt status } }`;
const DELETE = `mutation ($id: ID!) { deleteAssignment(id: $id) { deletedId deletionId } }`;
const RESTORE = `mutation ($id: ID!) { restoreAssignment(id: $id) { id title studySessions(first: 10) { totalCount } } }`;
const ASSIGNMENT = `query ($id: ID!) { assignment(id: $id) { id title } }`;
const LIST = `query ($filter: AssignmentFilter, $first: Int, $after: String) {
  assignments(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { title status } }
  }
}`;

async function signedIn(role: 'USER' | 'ADMIN' = 'USER') {
  const user = await createUser(app.db, { role });
  return { user, token: await app.tokens.issue(user.id) };
}

/** A signed-in student with one course. */
async function student() {
  const { user, token } = await signedIn();
  const course = await createCourse(app.db, user.id);
  return { user, token, course, courseId: gid('Course', course.id) };
}

const events = (aggregateId: string) =>
  app.db.outboxEvent.findMany({
    where: { aggregateId },
    orderBy: { id: 'asc' },
    select: { type: true, payload: true },
  });
const titles = (res: { data?: any }) =>
  res.data!.assignments.edges.map((e: { node: { title: string } }) => e.node.title);

/** Runs `work` with the API clock at `when`, and a token for `userId` issued at that time. */
async function at<T>(when: string, userId: string, work: (token: string) => Promise<T>): Promise<T> {
  app.clock.now = new Date(when);
  try {
    return await work(await app.tokens.issue(userId));
  } finally {
    app.clock.now = new Date();
  }
}

describe('createAssignment', () => {
  it('creates an assignment in a course of the viewer and records assignment.created', async () => {
    const { user, token, course, courseId } = await student();
    const input = { courseId, title: ' Essay ', dueAt: '2030-01-15T09:00:00.000Z', estimatedMinutes: 90 };
    const res = await app.gql(CREATE, { input }, token);
    expect(res.errors).toBeUndefined();
    const created = res.data!.createAssignment;
    expect(created).toMatchObject({
      title: 'Essay',
      description: null,
      dueAt: input.dueAt,
      completedAt: null,
      status: 'UPCOMING',
      priority: 'MEDIUM',
      estimatedMinutes: 90,
      course: { id: courseId },
    });
    const id = raw(created.id);
    expect(await events(id)).toEqual([
      {
        type: 'assignment.created',
        payload: { userId: user.id, courseId: course.id, taskId: id, kind: 'ASSIGNMENT' },
      },
    ]);
  });

  it.each([
    ['an empty title', { title: '  ' }, 'title'],
    ['a 201-character title', { title: 't'.repeat(201) }, 'title'],
    ['a 5001-character description', { description: 'd'.repeat(5001) }, 'description'],
    ['estimatedMinutes 0', { estimatedMinutes: 0 }, 'estimatedMinutes'],
    ['estimatedMinutes 10001', { estimatedMinutes: 10001 }, 'estimatedMinutes'],
    ['a due date before 2000', { dueAt: '1999-12-31T23:59:59Z' }, 'dueAt'],
    ['a due date from 2100', { dueAt: '2100-01-01T00:00:00Z' }, 'dueAt'],
  ])('rejects %s with BAD_USER_INPUT and creates nothing', async (_label, change, field) => {
    const { user, token, courseId } = await student();
    const input = { courseId, title: 'Lab', dueAt: '2030-01-01T00:00:00Z', ...change };
    const res = await app.gql(CREATE, { input }, token);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await app.db.assignment.count({ where: withDeleted({ userId: user.id }) })).toBe(0);
    expect(await app.db.outboxEvent.count({ where: { userId: user.id } })).toBe(0);
  });

  it('answers NOT_FOUND for a deleted course and BAD_USER_INPUT for a courseId of another type', async () => {
    const { user, token, course, courseId } = await student();
    await app.db.course.delete({ where: { id: course.id } });
    const input = { courseId, title: 'Lab', dueAt: '2030-01-01T00:00:00Z' };
    const res = await app.gql(CREATE, { input }, token);
    expect(res.errors?.[0]).toMatchObject({ message: 'Course was not found.', extensions: { code: 'NOT_FOUND' } });
    const wrongType = await app.gql(CREATE, { input: { ...input, courseId: gid('User', user.id) } }, token);
    expect(wrongType.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await app.db.assignment.count({ where: withDeleted({ userId: user.id }) })).toBe(0);
  });

  it('answers UNAUTHENTICATED without a token', async () => {
    const res = await app.gql(LIST, {});
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const create = await app.gql(CREATE, {
      input: {
        courseId: gid('Course', '00000000-0000-0000-0000-000000000001'),
        title: 'x',
        dueAt: '2030-01-01T00:00:00Z',
      },
    });
    expect(create.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('updateAssignment', () => {
  it('changes the given fields, clears optional ones with null, and records assignment.updated', async () => {
    const { user, token, course } = await student();
    const a = await app.db.assignment.create({
      data: {
        userId: user.id,
        courseId: course.id,
        title: 'Draft',
        description: 'notes',
        dueAt: new Date('2030-02-01T00:00:00Z'),
        estimatedMinutes: 30,
      },
    });
    const input = {
      title: 'Final',
      description: null,
      dueAt: '2030-03-01T12:00:00.000Z',
      priority: 'URGENT',
      estimatedMinutes: null,
    };
    const res = await app.gql(UPDATE, { id: gid('Assignment', a.id), input }, token);
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateAssignment).toMatchObject(input);
    expect(await events(a.id)).toEqual([
      {
        type: 'assignment.updated',
        payload: { userId: user.id, courseId: course.id, taskId: a.id, kind: 'ASSIGNMENT' },
      },
    ]);
  });

  it('rejects bad input and leaves the row as it was', async () => {
    const { user, token, course } = await student();
    const a = await createAssignment(app.db, user.id, course.id);
    const id = gid('Assignment', a.id);
    for (const input of [
      {},
      { title: null },
      { title: '' },
      { dueAt: null },
      { priority: null },
      { estimatedMinutes: 0 },
      { dueAt: '1999-01-01T00:00:00Z' },
    ]) {
      const res = await app.gql(UPDATE, { id, input }, token);
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect(await app.db.assignment.findUniqueOrThrow({ where: { id: a.id } })).toEqual(a);
    expect(await events(a.id)).toEqual([]);
  });
});

describe('completeAssignment and reopenAssignment', () => {
  it('completes at the API clock once, reopens once, and records one event each', async () => {
    const { user, token, course } = await student();
    const a = await createAssignment(app.db, user.id, course.id, { dueAt: new Date('2030-01-01T00:00:00Z') });
    const id = gid('Assignment', a.id);
    await at('2029-12-30T08:00:00Z', user.id, async (then) => {
      const done = await app.gql(COMPLETE, { id }, then);
      expect(done.errors).toBeUndefined();
      expect(done.data!.completeAssignment).toEqual({ completedAt: '2029-12-30T08:00:00.000Z', status: 'COMPLETED' });
    });
    const again = await app.gql(COMPLETE, { id }, token);
    expect(again.data!.completeAssignment.completedAt).toBe('2029-12-30T08:00:00.000Z');

    const reopened = await app.gql(REOPEN, { id }, token);
    expect(reopened.data!.reopenAssignment).toEqual({ completedAt: null, status: 'UPCOMING' });
    const reopenedAgain = await app.gql(REOPEN, { id }, token);
    expect(reopenedAgain.data!.reopenAssignment).toEqual({ completedAt: null, status: 'UPCOMING' });

    const payload = { userId: user.id, courseId: course.id, taskId: a.id, kind: 'ASSIGNMENT' };
    expect(await events(a.id)).toEqual([
      { type: 'assignment.completed', payload },
      { type: 'assignment.reopened', payload },
    ]);
  });
});

describe('deleteAssignment and restoreAssignment', () => {
  it('deletes the assignment with its study sessions under one deletionId and restores exactly those', async () => {
    const { user, token, course } = await student();
    const a = await createAssignment(app.db, user.id, course.id);
    const linked = await createStudySession(app.db, user.id, course.id, a.id);
    const earlier = await createStudySession(app.db, user.id, course.id, a.id);
    const unlinked = await createStudySession(app.db, user.id, course.id, null);
    const { deletionId: earlierDeletion } = await app.db.studySession.delete({ where: { id: earlier.id } });
    const id = gid('Assignment', a.id);

    const res = await app.gql(DELETE, { id }, token);
    expect(res.errors).toBeUndefined();
    const { deletedId, deletionId } = res.data!.deleteAssignment;
    expect(deletedId).toBe(id);
    const rows = await app.db.studySession.findMany({
      where: withDeleted({ courseId: course.id }),
      select: { id: true, deletionId: true },
      orderBy: { id: 'asc' },
    });
    expect(rows).toEqual([
      { id: linked.id, deletionId },
      { id: earlier.id, deletionId: earlierDeletion },
      { id: unlinked.id, deletionId: null },
    ]);
    expect((await app.gql(ASSIGNMENT, { id }, token)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const restored = await app.gql(RESTORE, { id }, token);
    expect(restored.errors).toBeUndefined();
    expect(restored.data!.restoreAssignment).toMatchObject({ id, studySessions: { totalCount: 1 } });
    expect(await app.db.studySession.count({ where: { id: earlier.id } })).toBe(0);

    const payload = { userId: user.id, courseId: course.id, taskId: a.id, kind: 'ASSIGNMENT', deletionId };
    expect(await events(a.id)).toEqual([
      { type: 'assignment.deleted', payload },
      { type: 'assignment.restored', payload },
    ]);
  });

  it('answers CONFLICT to restoring an assignment whose course is deleted, and keeps it deleted', async () => {
    const { user, token, course, courseId } = await student();
    const a = await createAssignment(app.db, user.id, course.id);
    const id = gid('Assignment', a.id);
    expect((await app.gql(DELETE, { id }, token)).errors).toBeUndefined();
    const del = await app.gql(`mutation ($id: ID!) { deleteCourse(id: $id) { deletionId } }`, { id: courseId }, token);
    expect(del.errors).toBeUndefined();

    const res = await app.gql(RESTORE, { id }, token);
    expect(res.errors?.[0]).toMatchObject({
      message: "The assignment's course is deleted: restore the course first.",
      extensions: { code: 'CONFLICT' },
    });
    expect(await app.db.assignment.count({ where: { id: a.id } })).toBe(0);

    // Restoring the course leaves the assignment deleted on its own; then it can come back.
    await app.gql(`mutation ($id: ID!) { restoreCourse(id: $id) { id } }`, { id: courseId }, token);
    expect(await app.db.assignment.count({ where: { id: a.id } })).toBe(0);
    expect((await app.gql(RESTORE, { id }, token)).errors).toBeUndefined();
    expect(await app.db.assignment.count({ where: { id: a.id } })).toBe(1);
  });

  it('returns a live assignment unchanged from restoreAssignment, with no event', async () => {
    const { user, token, course } = await student();
    const a = await createAssignment(app.db, user.id, course.id);
    const res = await app.gql(RESTORE, { id: gid('Assignment', a.id) }, token);
    expect(res.errors).toBeUndefined();
    expect(await app.db.assignment.findUniqueOrThrow({ where: { id: a.id } })).toEqual(a);
    expect(await events(a.id)).toEqual([]);
  });
});

describe('assignments', () => {
  it('filters by status at the API clock, by course and by due window', async () => {
    const { user, course, courseId } = await student();
    const other = await createCourse(app.db, user.id);
    const due = (title: string, dueAt: string, courseId2 = course.id, completedAt: Date | null = null) =>
      app.db.assignment.create({
        data: { userId: user.id, courseId: courseId2, title, dueAt: new Date(dueAt), completedAt },
      });
    await due('overdue', '2030-06-01T00:00:00Z');
    await due('done', '2030-06-02T00:00:00Z', course.id, new Date('2030-05-01T00:00:00Z'));
    await due('upcoming', '2030-06-20T00:00:00Z');
    await due('elsewhere', '2030-06-25T00:00:00Z', other.id);
    await due('now', '2030-06-10T00:00:00Z');

    await at('2030-06-10T00:00:00Z', user.id, async (then) => {
      const list = (filter: Record<string, unknown>) => app.gql(LIST, { filter }, then);
      expect(titles(await list({ status: 'UPCOMING' }))).toEqual(['now', 'upcoming', 'elsewhere']);
      expect(titles(await list({ status: 'OVERDUE' }))).toEqual(['overdue']);
      expect(titles(await list({ status: 'COMPLETED' }))).toEqual(['done']);
      expect(titles(await list({ courseId, status: 'UPCOMING' }))).toEqual(['now', 'upcoming']);
      const window = await list({ dueAfter: '2030-06-02T00:00:00Z', dueBefore: '2030-06-20T00:00:00Z' });
      expect(titles(window)).toEqual(['done', 'now']);
      expect(window.data!.assignments.totalCount).toBe(2);
      const all = await list({});
      expect(all.data!.assignments.edges.map((e: { node: { status: string } }) => e.node.status)).toEqual([
        'OVERDUE',
        'COMPLETED',
        'UPCOMING',
        'UPCOMING',
        'UPCOMING',
      ]);
    });
  });

  it('rejects dueBefore not after dueAfter, and dates out of range', async () => {
    const { token } = await student();
    for (const filter of [
      { dueAfter: '2030-06-02T00:00:00Z', dueBefore: '2030-06-01T00:00:00Z' },
      { dueAfter: '2030-06-02T00:00:00Z', dueBefore: '2030-06-02T00:00:00Z' },
      { dueAfter: '1990-01-01T00:00:00Z' },
    ]) {
      const res = await app.gql(LIST, { filter }, token);
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it("pages by due date then id, with totalCount, over the viewer's own live assignments", async () => {
    const { user, token, course } = await student();
    const stranger = await student();
    await createAssignment(app.db, stranger.user.id, stranger.course.id, { title: 'not mine' });
    const sameDue = new Date('2030-09-01T00:00:00Z');
    for (const title of ['a', 'b', 'c', 'd', 'e'])
      await createAssignment(app.db, user.id, course.id, { title, dueAt: sameDue });
    const gone = await createAssignment(app.db, user.id, course.id, { title: 'gone', dueAt: sameDue });
    await app.db.assignment.delete({ where: { id: gone.id } });

    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const res = await app.gql(LIST, { first: 2, after }, token);
      expect(res.errors).toBeUndefined();
      expect(res.data!.assignments.totalCount).toBe(5);
      seen.push(...titles(res));
      if (!res.data!.assignments.pageInfo.hasNextPage) break;
      after = res.data!.assignments.pageInfo.endCursor;
    }
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

describe('assignments totalCount', () => {
  it('is the same however the operation asks for it: field, fragment, inline fragment, alone', async () => {
    const { user, token, course } = await student();
    for (const title of ['a', 'b', 'c']) await createAssignment(app.db, user.id, course.id, { title });
    const queries = [
      '{ assignments(first: 1) { totalCount edges { node { title } } } }',
      'query { assignments(first: 1) { ...Page } } fragment Page on QueryAssignmentsConnection { totalCount edges { node { title } } }',
      '{ assignments(first: 1) { ... on QueryAssignmentsConnection { totalCount } edges { node { title } } } }',
      '{ assignments(first: 1) { totalCount } }',
    ];
    for (const query of queries) {
      const res = await app.gql(query, {}, token);
      expect(res.errors).toBeUndefined();
      expect(res.data!.assignments.totalCount).toBe(3);
    }
    const page = await app.gql('{ assignments(first: 1) { edges { node { title } } } }', {}, token);
    expect(titles(page)).toEqual(['a']);
  });
});

describe('ownership', () => {
  it("answers NOT_FOUND to every course and assignment operation on another user's rows", async () => {
    const owner = await student();
    const a = await createAssignment(app.db, owner.user.id, owner.course.id);
    const deletedCourse = await createCourse(app.db, owner.user.id);
    const deletedAssignment = await createAssignment(app.db, owner.user.id, owner.course.id);
    await app.db.course.delete({ where: { id: deletedCourse.id } });
    await app.db.assignment.delete({ where: { id: deletedAssignment.id } });
    const intruder = await student();
    const courseId = owner.courseId;
    const id = gid('Assignment', a.id);

    const operations: [string, string, Record<string, unknown>][] = [
      ['course', `query ($id: ID!) { course(id: $id) { id } }`, { id: courseId }],
      ['updateCourse', `mutation ($id: ID!) { updateCourse(id: $id, input: { name: "x" }) { id } }`, { id: courseId }],
      ['deleteCourse', `mutation ($id: ID!) { deleteCourse(id: $id) { deletedId } }`, { id: courseId }],
      ['restoreCourse', `mutation ($id: ID!) { restoreCourse(id: $id) { id } }`, { id: courseId }],
      [
        'restoreCourse (deleted)',
        `mutation ($id: ID!) { restoreCourse(id: $id) { id } }`,
        { id: gid('Course', deletedCourse.id) },
      ],
      ['assignments', LIST, { filter: { courseId } }],
      ['createAssignment', CREATE, { input: { courseId, title: 'x', dueAt: '2030-01-01T00:00:00Z' } }],
      ['assignment', ASSIGNMENT, { id }],
      ['updateAssignment', UPDATE, { id, input: { title: 'x' } }],
      ['completeAssignment', COMPLETE, { id }],
      ['reopenAssignment', REOPEN, { id }],
      ['deleteAssignment', DELETE, { id }],
      ['restoreAssignment', RESTORE, { id }],
      ['restoreAssignment (deleted)', RESTORE, { id: gid('Assignment', deletedAssignment.id) }],
    ];
    for (const [name, query, variables] of operations) {
      const res = await app.gql(query, variables, intruder.token);
      expect([name, res.errors?.[0]?.extensions?.code]).toEqual([name, 'NOT_FOUND']);
    }
    for (const nodeId of [courseId, id]) {
      const node = await app.gql(`query ($id: ID!) { node(id: $id) { id } }`, { id: nodeId }, intruder.token);
      expect(node).toMatchObject({ data: { node: null } });
      expect(node.errors).toBeUndefined();
    }

    expect(await app.db.course.findUniqueOrThrow({ where: { id: owner.course.id } })).toEqual(owner.course);
    expect(await app.db.assignment.findUniqueOrThrow({ where: { id: a.id } })).toEqual(a);
    expect(await app.db.assignment.count({ where: { id: deletedAssignment.id } })).toBe(0);
    expect(await app.db.course.count({ where: { id: deletedCourse.id } })).toBe(0);
    expect(await app.db.assignment.count({ where: withDeleted({ userId: intruder.user.id }) })).toBe(0);
    expect(await app.db.outboxEvent.count({ where: { userId: { in: [owner.user.id, intruder.user.id] } } })).toBe(0);
  });

  it("lets an admin read another user's assignment but not change it", async () => {
    const owner = await student();
    const admin = await signedIn('ADMIN');
    const a = await createAssignment(app.db, owner.user.id, owner.course.id, { title: 'Theirs' });
    const id = gid('Assignment', a.id);
    const read = await app.gql(`query ($id: ID!) { assignment(id: $id) { title course { id } } }`, { id }, admin.token);
    expect(read.errors).toBeUndefined();
    expect(read.data!.assignment).toEqual({ title: 'Theirs', course: { id: owner.courseId } });
    for (const query of [COMPLETE, DELETE]) {
      const res = await app.gql(query, { id }, admin.token);
      expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
    expect(await app.db.assignment.findUniqueOrThrow({ where: { id: a.id } })).toEqual(a);
  });

  it('answers BAD_USER_INPUT to a malformed or wrong-type global id, NOT_FOUND to a non-uuid inside one', async () => {
    const s = await student();
    const a = await createAssignment(app.db, s.user.id, s.course.id);
    const id = gid('Assignment', a.id);
    type Operation = [string, Record<string, unknown>];
    const byAssignmentId = (bad: string): Operation[] => [
      [ASSIGNMENT, { id: bad }],
      [UPDATE, { id: bad, input: { title: 'x' } }],
      [COMPLETE, { id: bad }],
      [REOPEN, { id: bad }],
      [DELETE, { id: bad }],
      [RESTORE, { id: bad }],
    ];
    const byCourseId = (bad: string): Operation[] => [
      [CREATE, { input: { courseId: bad, title: 'x', dueAt: '2030-01-01T00:00:00Z' } }],
      [LIST, { filter: { courseId: bad } }],
    ];
    const expectAnswers = async (operations: Operation[], code: string, message: string) => {
      for (const [query, variables] of operations) {
        const res = await app.gql(query, variables, s.token);
        const error = res.errors?.[0];
        expect([query, error?.extensions?.code, error?.message]).toEqual([query, code, message]);
        expect(res.data ?? null).toBeNull();
      }
    };
    // Malformed, or of another type: Pothos rejects it before the resolver runs.
    for (const bad of ['nope', '!!!', gid('Assignment', '')]) {
      await expectAnswers(byAssignmentId(bad), 'BAD_USER_INPUT', `Invalid global ID: ${bad}`);
      await expectAnswers(byCourseId(bad), 'BAD_USER_INPUT', `Invalid global ID: ${bad}`);
    }
    await expectAnswers(byAssignmentId(s.courseId), 'BAD_USER_INPUT', `ID: ${s.courseId} is not of type: Assignment`);
    await expectAnswers(byCourseId(id), 'BAD_USER_INPUT', `ID: ${id} is not of type: Course`);
    // Well-formed and of the right type, but the id inside is not a uuid: no such row.
    await expectAnswers(byAssignmentId(gid('Assignment', '1234')), 'NOT_FOUND', 'Assignment was not found.');
    await expectAnswers(byCourseId(gid('Course', 'x')), 'NOT_FOUND', 'Course was not found.');
    const node = await app.gql(`query ($id: ID!) { node(id: $id) { id } }`, { id: gid('Assignment', '1234') }, s.token);
    expect(node.errors).toBeUndefined();
    expect(node.data!.node).toBeNull();
    expect(await app.db.assignment.findMany({ where: withDeleted({ userId: s.user.id }) })).toEqual([a]);
  });
});

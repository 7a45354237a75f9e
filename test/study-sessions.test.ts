import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { withDeleted } from '../src/db/soft-delete.js';
import { createTestApp, globalId as gid, rawId as raw, type TestApp } from './helpers/app.js';
import { createAssignment, createCourse, createUser } from './helpers/factories.js';

let app: TestApp;
let queries: string[] = [];
beforeAll(async () => {
  app = await createTestApp({ onQuery: (sql) => queries.push(sql) });
});
afterAll(async () => {
  await app?.close();
});
beforeEach(() => {
  queries = [];
});

const at = (iso: string) => new Date(iso).toISOString();

const FIELDS = 'id title startsAt endsAt notes actualMinutes course { name } assignment { id title }';
const CREATE = `mutation ($input: CreateStudySessionInput!) { createStudySession(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateStudySessionInput!) {
  updateStudySession(id: $id, input: $input) { ${FIELDS} }
}`;
const LOG = `mutation ($id: ID!, $minutes: Int!) { logStudySession(id: $id, actualMinutes: $minutes) { ${FIELDS} } }`;
const DELETE = `mutation ($id: ID!) { deleteStudySession(id: $id) { deletedId deletionId } }`;
const RESTORE = `mutation ($id: ID!) { restoreStudySession(id: $id) { ${FIELDS} } }`;
const GET = `query ($id: ID!) { studySession(id: $id) { ${FIELDS} } }`;
const LIST = `query ($filter: StudySessionFilter, $first: Int, $after: String) {
  studySessions(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { title } }
  }
}`;

/** A signed-in student with one course and one assignment in it. */
async function student() {
  const user = await createUser(app.db);
  const course = await createCourse(app.db, user.id, { name: 'History' });
  const assignment = await createAssignment(app.db, user.id, course.id, { title: 'Essay' });
  return {
    user,
    course,
    assignment,
    courseId: gid('Course', course.id),
    assignmentId: gid('Assignment', assignment.id),
    token: await app.tokens.issue(user.id),
  };
}

type Student = Awaited<ReturnType<typeof student>>;
const sessionInput = (s: Student, overrides: Record<string, unknown> = {}) => ({
  courseId: s.courseId,
  title: 'Read chapter 3',
  startsAt: '2026-04-01T14:00:00Z',
  endsAt: '2026-04-01T16:00:00Z',
  ...overrides,
});

async function createSession(s: Student, overrides: Record<string, unknown> = {}) {
  const res = await app.gql(CREATE, { input: sessionInput(s, overrides) }, s.token);
  expect(res.errors).toBeUndefined();
  return res.data!.createStudySession as { id: string; title: string };
}

const eventsOf = (aggregateId: string) =>
  app.db.outboxEvent.findMany({ where: { aggregateId }, orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }] });
const payload = (s: Student, id: string, extra: Record<string, unknown> = {}) => ({
  userId: s.user.id,
  courseId: s.course.id,
  taskId: raw(id),
  kind: 'STUDY_SESSION',
  ...extra,
});

describe('study session mutations', () => {
  it('plans a session for an assignment of the same course, and records studySession.created', async () => {
    const s = await student();
    const res = await app.gql(
      CREATE,
      { input: sessionInput(s, { assignmentId: s.assignmentId, notes: ' sources first ' }) },
      s.token,
    );
    expect(res.errors).toBeUndefined();
    const session = res.data!.createStudySession;
    expect(session).toMatchObject({
      title: 'Read chapter 3',
      startsAt: at('2026-04-01T14:00:00Z'),
      endsAt: at('2026-04-01T16:00:00Z'),
      notes: 'sources first',
      actualMinutes: null,
      course: { name: 'History' },
      assignment: { id: s.assignmentId, title: 'Essay' },
    });
    const events = await eventsOf(raw(session.id));
    expect(events.map((e) => [e.type, e.userId, e.payload])).toEqual([
      ['studySession.created', s.user.id, payload(s, session.id)],
    ]);
    const plain = await createSession(s);
    expect(plain).toMatchObject({ assignment: null, notes: null });
  });

  it.each([
    ['an empty title', 'title', { title: ' ' }],
    ['5001 characters of notes', 'notes', { notes: 'x'.repeat(5001) }],
    ['endsAt before startsAt', 'endsAt', { endsAt: '2026-04-01T13:00:00Z' }],
    ['a session longer than 24 hours', 'endsAt', { endsAt: '2026-04-02T14:01:00Z' }],
    ['a start before 2000', 'startsAt', { startsAt: '1999-06-01T00:00:00Z', endsAt: '1999-06-01T01:00:00Z' }],
  ])('rejects creating with %s (BAD_USER_INPUT on %s), creating nothing', async (_label, field, overrides) => {
    const s = await student();
    const res = await app.gql(CREATE, { input: sessionInput(s, overrides) }, s.token);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await app.db.studySession.count({ where: withDeleted({ userId: s.user.id }) })).toBe(0);
    expect(await app.db.outboxEvent.count({ where: { userId: s.user.id } })).toBe(0);
  });

  it("rejects an assignment of another course, someone else's or a deleted one, with one answer on assignmentId", async () => {
    const s = await student();
    const otherCourse = await createCourse(app.db, s.user.id);
    const elsewhere = await createAssignment(app.db, s.user.id, otherCourse.id);
    const stranger = await student();
    const gone = await createAssignment(app.db, s.user.id, s.course.id);
    await app.db.assignment.delete({ where: { id: gone.id } });

    const answers = [];
    for (const assignment of [elsewhere.id, stranger.assignment.id, gone.id]) {
      const res = await app.gql(
        CREATE,
        { input: sessionInput(s, { assignmentId: gid('Assignment', assignment) }) },
        s.token,
      );
      answers.push(res.errors?.[0]);
    }
    expect(answers[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'assignmentId' } });
    // The same message whatever the reason, so another user's ids cannot be probed.
    expect(answers.map((e) => [e?.message, e?.extensions])).toEqual(
      Array(3).fill([answers[0]!.message, answers[0]!.extensions]),
    );
    expect(await app.db.studySession.count({ where: withDeleted({ userId: s.user.id }) })).toBe(0);
  });

  it('updates the given fields, relinks, unlinks and moves, and records studySession.updated', async () => {
    const s = await student();
    const { id } = await createSession(s, { assignmentId: s.assignmentId, notes: 'n' });
    const second = await createAssignment(app.db, s.user.id, s.course.id, { title: 'Quiz' });

    const res = await app.gql(
      UPDATE,
      { id, input: { title: 'Outline', startsAt: '2026-04-01T15:00:00Z', assignmentId: gid('Assignment', second.id) } },
      s.token,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateStudySession).toMatchObject({
      title: 'Outline',
      startsAt: at('2026-04-01T15:00:00Z'),
      endsAt: at('2026-04-01T16:00:00Z'),
      notes: 'n',
      assignment: { title: 'Quiz' },
    });
    const unlinked = await app.gql(UPDATE, { id, input: { assignmentId: null, notes: null } }, s.token);
    expect(unlinked.data!.updateStudySession).toMatchObject({ assignment: null, notes: null });

    const other = await createCourse(app.db, s.user.id, { name: 'Art' });
    const moved = await app.gql(UPDATE, { id, input: { courseId: gid('Course', other.id) } }, s.token);
    expect(moved.errors).toBeUndefined();
    expect(moved.data!.updateStudySession.course.name).toBe('Art');

    const events = await eventsOf(raw(id));
    expect(events.map((e) => e.type)).toEqual([
      'studySession.created',
      'studySession.updated',
      'studySession.updated',
      'studySession.updated',
    ]);
    expect(events[3]!.payload).toEqual({ ...payload(s, id), courseId: other.id });
  });

  it.each([
    ['an empty title', 'title', { title: '' }],
    ['an endsAt before the stored startsAt', 'endsAt', { endsAt: '2026-04-01T13:59:00Z' }],
    ['a startsAt at the stored endsAt', 'startsAt', { startsAt: '2026-04-01T16:00:00Z' }],
    ['an endsAt more than 24 hours after the stored startsAt', 'endsAt', { endsAt: '2026-04-02T14:00:01Z' }],
    ['a start before 2000', 'startsAt', { startsAt: '1999-01-01T00:00:00Z' }],
    ['a null courseId', 'courseId', { courseId: null }],
    ['an assignment of another course', 'assignmentId', 'elsewhere'],
    ['a move to a course without its assignment', 'assignmentId', 'move'],
    ['nothing to change', undefined, {}],
  ])('rejects an update with %s (BAD_USER_INPUT on %s), leaving the row unchanged', async (_label, field, input) => {
    const s = await student();
    const { id } = await createSession(s, { assignmentId: s.assignmentId });
    const otherCourse = await createCourse(app.db, s.user.id);
    const elsewhere = await createAssignment(app.db, s.user.id, otherCourse.id);
    const variables =
      input === 'elsewhere'
        ? { assignmentId: gid('Assignment', elsewhere.id) }
        : input === 'move'
          ? { courseId: gid('Course', otherCourse.id) }
          : input;
    const before = await app.db.studySession.findUniqueOrThrow({ where: { id: raw(id) } });
    const res = await app.gql(UPDATE, { id, input: variables }, s.token);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.extensions?.field).toBe(field);
    expect(await app.db.studySession.findUniqueOrThrow({ where: { id: raw(id) } })).toEqual(before);
    expect((await eventsOf(raw(id))).map((e) => e.type)).toEqual(['studySession.created']);
  });

  it('logs actual minutes from 0 to 1440, recording studySession.updated, and rejects anything else', async () => {
    const s = await student();
    const { id } = await createSession(s);
    for (const minutes of [90, 0, 1440]) {
      const res = await app.gql(LOG, { id, minutes }, s.token);
      expect(res.errors).toBeUndefined();
      expect(res.data!.logStudySession.actualMinutes).toBe(minutes);
    }
    for (const minutes of [-1, 1441]) {
      const res = await app.gql(LOG, { id, minutes }, s.token);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'actualMinutes' });
    }
    expect((await app.db.studySession.findUniqueOrThrow({ where: { id: raw(id) } })).actualMinutes).toBe(1440);
    const events = await eventsOf(raw(id));
    expect(events.map((e) => [e.type, e.payload])).toEqual([
      ['studySession.created', payload(s, id)],
      ...Array(3).fill(['studySession.updated', payload(s, id)]),
    ]);
  });

  it('deletes softly and restores, recording studySession.deleted and .restored with the deletionId', async () => {
    const s = await student();
    const { id } = await createSession(s, { assignmentId: s.assignmentId });
    const del = await app.gql(DELETE, { id }, s.token);
    expect(del.errors).toBeUndefined();
    expect(del.data!.deleteStudySession).toEqual({ deletedId: id, deletionId: expect.any(String) });
    expect((await app.gql(GET, { id }, s.token)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await app.gql(LOG, { id, minutes: 5 }, s.token)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const row = await app.db.studySession.findFirstOrThrow({ where: withDeleted({ id: raw(id) }) });
    expect(row.deletedAt).toEqual(app.clock.now);
    // The payload names the deletion that took the row: the one its events carry.
    expect(del.data!.deleteStudySession.deletionId).toBe(row.deletionId);

    const restored = await app.gql(RESTORE, { id }, s.token);
    expect(restored.errors).toBeUndefined();
    expect(restored.data!.restoreStudySession).toMatchObject({ id, assignment: { title: 'Essay' } });
    expect((await app.gql(RESTORE, { id }, s.token)).data!.restoreStudySession.id).toBe(id);

    const events = await eventsOf(raw(id));
    expect(events.map((e) => [e.type, e.payload])).toEqual([
      ['studySession.created', payload(s, id)],
      ['studySession.deleted', payload(s, id, { deletionId: row.deletionId })],
      ['studySession.restored', payload(s, id, { deletionId: row.deletionId })],
    ]);
  });

  it('refuses to restore a session while its course is deleted (CONFLICT)', async () => {
    const s = await student();
    const { id } = await createSession(s);
    await app.gql(DELETE, { id }, s.token);
    await app.db.course.delete({ where: { id: s.course.id } });
    const res = await app.gql(RESTORE, { id }, s.token);
    expect(res.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(res.errors?.[0]?.message).toMatch(/restore the course first/);
    expect(await app.db.studySession.count({ where: { id: raw(id) } })).toBe(0);
    expect((await eventsOf(raw(id))).map((e) => e.type)).toEqual(['studySession.created', 'studySession.deleted']);
  });

  it('restores a session unlinked when its assignment was deleted meanwhile', async () => {
    const s = await student();
    const { id } = await createSession(s, { assignmentId: s.assignmentId });
    await app.gql(DELETE, { id }, s.token);
    await app.db.assignment.delete({ where: { id: s.assignment.id } });
    const res = await app.gql(RESTORE, { id }, s.token);
    expect(res.errors).toBeUndefined();
    expect(res.data!.restoreStudySession.assignment).toBeNull();
    expect((await app.db.studySession.findUniqueOrThrow({ where: { id: raw(id) } })).assignmentId).toBeNull();
  });
});

describe('study session access', () => {
  it("answers NOT_FOUND to every study-session query and mutation with another user's ids, changing nothing", async () => {
    const owner = await student();
    const { id } = await createSession(owner, { assignmentId: owner.assignmentId });
    const deleted = await createSession(owner, { title: 'Gone' });
    await app.gql(DELETE, { id: deleted.id }, owner.token);
    const other = await student();
    const mine = await createSession(other);
    const snapshot = () =>
      app.db.studySession.findMany({ where: withDeleted({ userId: owner.user.id }), orderBy: { id: 'asc' } });
    const before = await snapshot();

    const attempts: [string, Record<string, unknown>][] = [
      [GET, { id }],
      [LIST, { filter: { courseId: owner.courseId } }],
      [LIST, { filter: { assignmentId: owner.assignmentId } }],
      [
        `query ($f: StudySessionFilter) { studySessions(filter: $f) { totalCount } }`,
        { f: { courseId: owner.courseId } },
      ],
      [CREATE, { input: sessionInput(owner) }],
      [UPDATE, { id, input: { title: 'Mine now' } }],
      [UPDATE, { id: mine.id, input: { courseId: owner.courseId } }],
      [LOG, { id, minutes: 30 }],
      [DELETE, { id }],
      [RESTORE, { id: deleted.id }],
      [RESTORE, { id }],
    ];
    for (const [query, variables] of attempts) {
      const res = await app.gql(query, variables, other.token);
      expect([query, res.errors?.[0]?.extensions?.code]).toEqual([query, 'NOT_FOUND']);
      expect(res.data ?? null).toBeNull();
    }
    const node = await app.gql(`query ($id: ID!) { node(id: $id) { id } }`, { id }, other.token);
    expect(node.errors).toBeUndefined();
    expect(node.data!.node).toBeNull();
    expect(await snapshot()).toEqual(before);
  });

  it('answers BAD_USER_INPUT to a malformed or wrong-type global id, NOT_FOUND to a non-uuid inside one', async () => {
    const s = await student();
    const { id } = await createSession(s);
    const snapshot = () =>
      app.db.studySession.findMany({ where: withDeleted({ userId: s.user.id }), orderBy: { id: 'asc' } });
    const before = await snapshot();
    type Operation = [string, Record<string, unknown>];
    const bySessionId = (bad: string): Operation[] => [
      [GET, { id: bad }],
      [UPDATE, { id: bad, input: { title: 'x' } }],
      [LOG, { id: bad, minutes: 1 }],
      [DELETE, { id: bad }],
      [RESTORE, { id: bad }],
    ];
    const byCourseId = (bad: string): Operation[] => [
      [CREATE, { input: sessionInput(s, { courseId: bad }) }],
      [UPDATE, { id, input: { courseId: bad } }],
      [LIST, { filter: { courseId: bad } }],
    ];
    const linking = (bad: string): Operation[] => [
      [CREATE, { input: sessionInput(s, { assignmentId: bad }) }],
      [UPDATE, { id, input: { assignmentId: bad } }],
    ];
    const byAssignmentId = (bad: string): Operation[] => [...linking(bad), [LIST, { filter: { assignmentId: bad } }]];
    const expectAnswers = async (operations: Operation[], code: string, message: string) => {
      for (const [query, variables] of operations) {
        const res = await app.gql(query, variables, s.token);
        const error = res.errors?.[0];
        expect([query, error?.extensions?.code, error?.message]).toEqual([query, code, message]);
        expect(res.data ?? null).toBeNull();
      }
    };
    // Malformed, or of another type: Pothos rejects it before the resolver runs.
    for (const bad of ['garbage', gid('StudySession', '')]) {
      for (const operations of [bySessionId(bad), byCourseId(bad), byAssignmentId(bad)]) {
        await expectAnswers(operations, 'BAD_USER_INPUT', `Invalid global ID: ${bad}`);
      }
    }
    const lectureGid = gid('Lecture', raw(id));
    await expectAnswers(bySessionId(lectureGid), 'BAD_USER_INPUT', `ID: ${lectureGid} is not of type: StudySession`);
    await expectAnswers(byCourseId(s.assignmentId), 'BAD_USER_INPUT', `ID: ${s.assignmentId} is not of type: Course`);
    await expectAnswers(byAssignmentId(s.courseId), 'BAD_USER_INPUT', `ID: ${s.courseId} is not of type: Assignment`);
    // Well-formed and of the right type, but the id inside is not a uuid: no such row.
    const notUuid = (type: string) => gid(type, 'not-a-uuid');
    await expectAnswers(bySessionId(notUuid('StudySession')), 'NOT_FOUND', 'StudySession was not found.');
    await expectAnswers(byCourseId(notUuid('Course')), 'NOT_FOUND', 'Course was not found.');
    await expectAnswers(
      [[LIST, { filter: { assignmentId: notUuid('Assignment') } }]],
      'NOT_FOUND',
      'Assignment was not found.',
    );
    // Linking a session to an assignment has one answer for every assignment it cannot use (see above).
    for (const [query, variables] of linking(notUuid('Assignment'))) {
      const res = await app.gql(query, variables, s.token);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'assignmentId' });
    }
    const node = await app.gql(`query ($id: ID!) { node(id: $id) { id } }`, { id: notUuid('StudySession') }, s.token);
    expect(node.errors).toBeUndefined();
    expect(node.data!.node).toBeNull();
    expect(await snapshot()).toEqual(before);
  });

  it("lets an admin read anyone's session by id, but change only their own", async () => {
    const s = await student();
    const { id } = await createSession(s);
    const admin = await createUser(app.db, { role: 'ADMIN' });
    const token = await app.tokens.issue(admin.id);
    expect((await app.gql(GET, { id }, token)).data!.studySession.title).toBe('Read chapter 3');
    expect((await app.gql(LOG, { id, minutes: 1 }, token)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await app.gql(DELETE, { id }, token)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('answers UNAUTHENTICATED without a token', async () => {
    const s = await student();
    const { id } = await createSession(s);
    for (const [query, variables] of [
      [GET, { id }],
      [LIST, {}],
      [CREATE, { input: sessionInput(s) }],
      [UPDATE, { id, input: { title: 'x' } }],
      [LOG, { id, minutes: 1 }],
      [DELETE, { id }],
      [RESTORE, { id }],
    ] as const) {
      expect((await app.gql(query, variables)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect(await app.db.studySession.count({ where: withDeleted({ userId: s.user.id }) })).toBe(1);
  });
});

describe('studySessions connection', () => {
  it('filters by course, assignment and start window, ordered by start then id, in pages', async () => {
    const s = await student();
    const other = await createCourse(app.db, s.user.id);
    const make = (title: string, startsAt: string, extra: Record<string, unknown> = {}) =>
      createSession(s, { title, startsAt, endsAt: new Date(Date.parse(startsAt) + 1_800_000).toISOString(), ...extra });
    await make('C', '2026-04-03T10:00:00Z', { courseId: gid('Course', other.id) });
    await make('A', '2026-04-01T10:00:00Z', { assignmentId: s.assignmentId });
    await make('B', '2026-04-02T10:00:00Z');
    await make('D', '2026-04-04T10:00:00Z', { assignmentId: s.assignmentId });
    await app.gql(DELETE, { id: (await make('Deleted', '2026-04-02T11:00:00Z')).id }, s.token);
    await createSession(await student(), { startsAt: '2026-04-02T10:00:00Z', endsAt: '2026-04-02T11:00:00Z' });

    const list = async (filter?: Record<string, unknown>, first = 10, after?: string) => {
      const res = await app.gql(LIST, { filter, first, after }, s.token);
      expect(res.errors).toBeUndefined();
      const c = res.data!.studySessions;
      return { total: c.totalCount, titles: c.edges.map((e: any) => e.node.title), page: c.pageInfo };
    };
    expect(await list()).toMatchObject({ total: 4, titles: ['A', 'B', 'C', 'D'] });
    expect(await list({ courseId: s.courseId })).toMatchObject({ total: 3, titles: ['A', 'B', 'D'] });
    expect(await list({ assignmentId: s.assignmentId })).toMatchObject({ total: 2, titles: ['A', 'D'] });
    expect(await list({ from: '2026-04-02T10:00:00Z', to: '2026-04-04T10:00:00Z' })).toMatchObject({
      total: 2,
      titles: ['B', 'C'],
    });

    const first = await list(undefined, 3);
    expect(first).toMatchObject({ total: 4, titles: ['A', 'B', 'C'], page: { hasNextPage: true } });
    const rest = await list(undefined, 3, first.page.endCursor);
    expect(rest).toMatchObject({ total: 4, titles: ['D'], page: { hasNextPage: false } });

    const forged = await app.gql(LIST, { first: 1, after: Buffer.from('GPC:S:nope').toString('base64') }, s.token);
    expect(forged.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('loads a session with its course and assignment in one SQL statement', async () => {
    const s = await student();
    const { id } = await createSession(s, { assignmentId: s.assignmentId });
    await app.bus.idle();
    queries = [];
    const res = await app.gql(GET, { id }, s.token);
    expect(res.errors).toBeUndefined();
    const sessionQueries = queries.filter((q) => /"StudySession"/.test(q));
    expect(sessionQueries).toHaveLength(1);
    expect(sessionQueries[0]).toMatch(/"Course"/);
    expect(sessionQueries[0]).toMatch(/"Assignment"/);
    // The viewer's account is cached since createSession.
    expect(queries).toHaveLength(1);
  });
});

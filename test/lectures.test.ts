import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { withDeleted } from '../src/db/soft-delete.js';
import { createTestApp, globalId as gid, rawId as raw, type TestApp } from './helpers/app.js';
import { createCourse, createUser } from './helpers/factories.js';

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

const FIELDS = 'id title startsAt endsAt location course { id name }';
const CREATE = `mutation ($input: CreateLectureInput!) { createLecture(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateLectureInput!) { updateLecture(id: $id, input: $input) { ${FIELDS} } }`;
const DELETE = `mutation ($id: ID!) { deleteLecture(id: $id) { deletedId deletionId } }`;
const RESTORE = `mutation ($id: ID!) { restoreLecture(id: $id) { ${FIELDS} } }`;
const GET = `query ($id: ID!) { lecture(id: $id) { ${FIELDS} } }`;
const LIST = `query ($filter: LectureFilter, $first: Int, $after: String) {
  lectures(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { title } }
  }
}`;

/** A signed-in student with one course. */
async function student() {
  const user = await createUser(app.db);
  const course = await createCourse(app.db, user.id, { name: 'Physics' });
  return { user, course, courseId: gid('Course', course.id), token: await app.tokens.issue(user.id) };
}

type Student = Awaited<ReturnType<typeof student>>;
const lectureInput = (s: Student, overrides: Record<string, unknown> = {}) => ({
  courseId: s.courseId,
  title: 'Mechanics',
  startsAt: '2026-03-02T09:00:00Z',
  endsAt: '2026-03-02T10:30:00Z',
  ...overrides,
});

async function createLecture(s: Student, overrides: Record<string, unknown> = {}) {
  const res = await app.gql(CREATE, { input: lectureInput(s, overrides) }, s.token);
  expect(res.errors).toBeUndefined();
  return res.data!.createLecture as { id: string; title: string };
}

const eventsOf = (aggregateId: string) =>
  app.db.outboxEvent.findMany({ where: { aggregateId }, orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }] });

describe('lecture mutations', () => {
  it('creates a lecture in one of your courses, trimming text, and records lecture.created', async () => {
    const s = await student();
    const res = await app.gql(
      CREATE,
      { input: lectureInput(s, { title: '  Mechanics ', location: ' Hall 1 ' }) },
      s.token,
    );
    expect(res.errors).toBeUndefined();
    const lecture = res.data!.createLecture;
    expect(lecture).toMatchObject({
      title: 'Mechanics',
      location: 'Hall 1',
      startsAt: at('2026-03-02T09:00:00Z'),
      endsAt: at('2026-03-02T10:30:00Z'),
      course: { id: s.courseId, name: 'Physics' },
    });
    const id = raw(lecture.id);
    const events = await eventsOf(id);
    expect(events.map((e) => [e.type, e.userId, e.payload])).toEqual([
      ['lecture.created', s.user.id, { userId: s.user.id, courseId: s.course.id, taskId: id, kind: 'LECTURE' }],
    ]);
  });

  it('updates the given fields only, checks one new end against the stored other, and records lecture.updated', async () => {
    const s = await student();
    const { id } = await createLecture(s, { location: 'Hall 1' });
    const res = await app.gql(UPDATE, { id, input: { title: 'Optics', endsAt: '2026-03-02T11:00:00Z' } }, s.token);
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateLecture).toMatchObject({
      title: 'Optics',
      location: 'Hall 1',
      startsAt: at('2026-03-02T09:00:00Z'),
      endsAt: at('2026-03-02T11:00:00Z'),
    });
    const cleared = await app.gql(UPDATE, { id, input: { location: null } }, s.token);
    expect(cleared.data!.updateLecture.location).toBeNull();

    const other = await createCourse(app.db, s.user.id, { name: 'Chemistry' });
    const moved = await app.gql(UPDATE, { id, input: { courseId: gid('Course', other.id) } }, s.token);
    expect(moved.data!.updateLecture.course.name).toBe('Chemistry');

    const events = await eventsOf(raw(id));
    expect(events.map((e) => e.type)).toEqual([
      'lecture.created',
      'lecture.updated',
      'lecture.updated',
      'lecture.updated',
    ]);
    expect(events[3]!.payload).toEqual({ userId: s.user.id, courseId: other.id, taskId: raw(id), kind: 'LECTURE' });
  });

  it.each([
    ['an empty title', 'title', { title: '   ' }],
    ['a 201-character title', 'title', { title: 'x'.repeat(201) }],
    ['a 201-character location', 'location', { location: 'x'.repeat(201) }],
    ['endsAt before startsAt', 'endsAt', { endsAt: '2026-03-02T08:00:00Z' }],
    ['endsAt equal to startsAt', 'endsAt', { endsAt: '2026-03-02T09:00:00Z' }],
    ['a lecture longer than 24 hours', 'endsAt', { endsAt: '2026-03-03T09:00:01Z' }],
    ['a start before 2000', 'startsAt', { startsAt: '1999-12-31T23:00:00Z', endsAt: '2000-01-01T01:00:00Z' }],
    ['an end after 2100', 'endsAt', { startsAt: '2099-12-31T23:00:00Z', endsAt: '2100-01-01T01:00:00Z' }],
  ])('rejects creating with %s (BAD_USER_INPUT on %s), creating nothing', async (_label, field, overrides) => {
    const s = await student();
    const res = await app.gql(CREATE, { input: lectureInput(s, overrides) }, s.token);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(res.data ?? null).toBeNull();
    expect(await app.db.lecture.count({ where: withDeleted({ userId: s.user.id }) })).toBe(0);
    expect(await app.db.outboxEvent.count({ where: { userId: s.user.id } })).toBe(0);
  });

  it.each([
    ['an empty title', 'title', { title: '' }],
    ['a null title', 'title', { title: null }],
    ['a null startsAt', 'startsAt', { startsAt: null }],
    ['a null courseId', 'courseId', { courseId: null }],
    ['an endsAt before the stored startsAt', 'endsAt', { endsAt: '2026-03-02T08:59:59Z' }],
    ['a startsAt after the stored endsAt', 'startsAt', { startsAt: '2026-03-02T10:30:00Z' }],
    ['a startsAt more than 24 hours before the stored endsAt', 'startsAt', { startsAt: '2026-03-01T10:29:00Z' }],
    ['both ends swapped', 'endsAt', { startsAt: '2026-03-02T10:00:00Z', endsAt: '2026-03-02T09:00:00Z' }],
    ['an end after 2100', 'endsAt', { endsAt: '2100-01-01T00:00:00Z' }],
    ['nothing to change', undefined, {}],
  ])('rejects an update with %s (BAD_USER_INPUT on %s), leaving the row unchanged', async (_label, field, input) => {
    const s = await student();
    const { id } = await createLecture(s);
    const before = await app.db.lecture.findUniqueOrThrow({ where: { id: raw(id) } });
    const res = await app.gql(UPDATE, { id, input }, s.token);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.extensions?.field).toBe(field);
    expect(await app.db.lecture.findUniqueOrThrow({ where: { id: raw(id) } })).toEqual(before);
    expect((await eventsOf(raw(id))).map((e) => e.type)).toEqual(['lecture.created']);
  });

  it('deletes softly and restores, recording lecture.deleted and lecture.restored with the deletionId', async () => {
    const s = await student();
    const { id } = await createLecture(s);
    const del = await app.gql(DELETE, { id }, s.token);
    expect(del.errors).toBeUndefined();
    expect(del.data!.deleteLecture).toEqual({ deletedId: id, deletionId: expect.any(String) });
    expect((await app.gql(GET, { id }, s.token)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await app.gql(DELETE, { id }, s.token)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const row = await app.db.lecture.findFirstOrThrow({ where: withDeleted({ id: raw(id) }) });
    expect(row.deletedAt).toEqual(app.clock.now);
    // The payload names the deletion that took the row: the one its events carry.
    expect(del.data!.deleteLecture.deletionId).toBe(row.deletionId);

    const restored = await app.gql(RESTORE, { id }, s.token);
    expect(restored.errors).toBeUndefined();
    expect(restored.data!.restoreLecture).toMatchObject({ id, title: 'Mechanics', course: { name: 'Physics' } });
    // Restoring a live lecture returns it unchanged and records nothing.
    const again = await app.gql(RESTORE, { id }, s.token);
    expect(again.data!.restoreLecture.id).toBe(id);

    const base = { userId: s.user.id, courseId: s.course.id, taskId: raw(id), kind: 'LECTURE' };
    const events = await eventsOf(raw(id));
    expect(events.map((e) => [e.type, e.payload])).toEqual([
      ['lecture.created', base],
      ['lecture.deleted', { ...base, deletionId: row.deletionId }],
      ['lecture.restored', { ...base, deletionId: row.deletionId }],
    ]);
    const live = await app.db.lecture.findUniqueOrThrow({ where: { id: raw(id) } });
    expect(live).toMatchObject({ deletedAt: null, deletionId: null });
  });

  it('refuses to restore a lecture while its course is deleted (CONFLICT), and restores it after', async () => {
    const s = await student();
    const { id } = await createLecture(s);
    expect((await app.gql(DELETE, { id }, s.token)).errors).toBeUndefined();
    await app.db.course.delete({ where: { id: s.course.id } });

    const res = await app.gql(RESTORE, { id }, s.token);
    expect(res.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(res.errors?.[0]?.message).toMatch(/restore the course first/);
    expect(await app.db.lecture.count({ where: { id: raw(id) } })).toBe(0);

    await app.db.course.restore({ where: { id: s.course.id } });
    expect((await app.gql(RESTORE, { id }, s.token)).errors).toBeUndefined();
    expect(await app.db.lecture.count({ where: { id: raw(id) } })).toBe(1);
  });
});

describe('lecture access', () => {
  it("answers NOT_FOUND to every lecture query and mutation with another user's ids, changing nothing", async () => {
    const owner = await student();
    const { id } = await createLecture(owner);
    const deleted = await createLecture(owner, { title: 'Gone' });
    await app.gql(DELETE, { id: deleted.id }, owner.token);
    const other = await student();
    const before = await app.db.lecture.findMany({
      where: withDeleted({ userId: owner.user.id }),
      orderBy: { id: 'asc' },
    });

    const attempts: [string, Record<string, unknown>][] = [
      [GET, { id }],
      [LIST, { filter: { courseId: owner.courseId } }],
      [
        `query ($filter: LectureFilter) { lectures(filter: $filter) { totalCount } }`,
        { filter: { courseId: owner.courseId } },
      ],
      [CREATE, { input: lectureInput(owner) }],
      [UPDATE, { id, input: { title: 'Mine now' } }],
      [UPDATE, { id: (await createLecture(other)).id, input: { courseId: owner.courseId } }],
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

    expect(
      await app.db.lecture.findMany({ where: withDeleted({ userId: owner.user.id }), orderBy: { id: 'asc' } }),
    ).toEqual(before);
    expect(await app.db.lecture.count({ where: { userId: other.user.id, courseId: owner.course.id } })).toBe(0);
  });

  it('answers BAD_USER_INPUT to a malformed or wrong-type global id, NOT_FOUND to a non-uuid inside one', async () => {
    const s = await student();
    const { id } = await createLecture(s);
    const snapshot = () =>
      app.db.lecture.findMany({ where: withDeleted({ userId: s.user.id }), orderBy: { id: 'asc' } });
    const before = await snapshot();
    type Operation = [string, Record<string, unknown>];
    const byLectureId = (bad: string): Operation[] => [
      [GET, { id: bad }],
      [UPDATE, { id: bad, input: { title: 'x' } }],
      [DELETE, { id: bad }],
      [RESTORE, { id: bad }],
    ];
    const byCourseId = (bad: string): Operation[] => [
      [CREATE, { input: lectureInput(s, { courseId: bad }) }],
      [UPDATE, { id, input: { courseId: bad } }],
      [LIST, { filter: { courseId: bad } }],
    ];
    const expectAnswers = async (operations: Operation[], code: string, message?: string) => {
      for (const [query, variables] of operations) {
        const res = await app.gql(query, variables, s.token);
        const error = res.errors?.[0];
        expect([query, error?.extensions?.code]).toEqual([query, code]);
        if (message) expect(error?.message).toBe(message);
        expect(res.data ?? null).toBeNull();
      }
    };
    // Malformed, or of another type: Pothos rejects it before the resolver runs.
    for (const bad of ['garbage', '!!!', gid('Lecture', '')]) {
      await expectAnswers(byLectureId(bad), 'BAD_USER_INPUT', `Invalid global ID: ${bad}`);
      await expectAnswers(byCourseId(bad), 'BAD_USER_INPUT', `Invalid global ID: ${bad}`);
    }
    const courseGid = gid('Course', s.course.id);
    await expectAnswers(byLectureId(courseGid), 'BAD_USER_INPUT', `ID: ${courseGid} is not of type: Lecture`);
    await expectAnswers(byCourseId(id), 'BAD_USER_INPUT', `ID: ${id} is not of type: Course`);
    // Well-formed and of the right type, but the id inside is not a uuid: no such row.
    await expectAnswers(byLectureId(gid('Lecture', 'not-a-uuid')), 'NOT_FOUND', 'Lecture was not found.');
    await expectAnswers(byCourseId(gid('Course', 'not-a-uuid')), 'NOT_FOUND', 'Course was not found.');
    const node = await app.gql(`query ($id: ID!) { node(id: $id) { id } }`, { id: gid('Lecture', 'nope') }, s.token);
    expect(node.errors).toBeUndefined();
    expect(node.data!.node).toBeNull();
    expect(await snapshot()).toEqual(before);
  });

  it("lets an admin read anyone's lecture by id, but change only their own", async () => {
    const s = await student();
    const { id } = await createLecture(s);
    const admin = await createUser(app.db, { role: 'ADMIN' });
    const token = await app.tokens.issue(admin.id);
    const read = await app.gql(GET, { id }, token);
    expect(read.errors).toBeUndefined();
    expect(read.data!.lecture.title).toBe('Mechanics');
    expect(
      (await app.gql(UPDATE, { id, input: { title: 'Admin was here' } }, token)).errors?.[0]?.extensions?.code,
    ).toBe('NOT_FOUND');
    expect((await app.gql(DELETE, { id }, token)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('answers UNAUTHENTICATED without a token', async () => {
    const s = await student();
    const { id } = await createLecture(s);
    for (const [query, variables] of [
      [GET, { id }],
      [LIST, {}],
      [CREATE, { input: lectureInput(s) }],
      [UPDATE, { id, input: { title: 'x' } }],
      [DELETE, { id }],
      [RESTORE, { id }],
    ] as const) {
      const res = await app.gql(query, variables);
      expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect(await app.db.lecture.count({ where: withDeleted({ userId: s.user.id }) })).toBe(1);
  });
});

describe('lectures connection', () => {
  it('filters by course and start window (from <= startsAt < to), ordered by start then id', async () => {
    const s = await student();
    const other = await createCourse(app.db, s.user.id, { name: 'Other' });
    const make = (title: string, startsAt: string, courseId = s.courseId) =>
      createLecture(s, { title, startsAt, endsAt: new Date(Date.parse(startsAt) + 3_600_000).toISOString(), courseId });
    await make('D', '2026-03-04T09:00:00Z');
    await make('A', '2026-03-01T09:00:00Z');
    const b1 = await make('B1', '2026-03-02T09:00:00Z');
    const b2 = await make('B2', '2026-03-02T09:00:00Z');
    await make('C', '2026-03-03T09:00:00Z', gid('Course', other.id));
    const deleted = await make('Deleted', '2026-03-02T12:00:00Z');
    await app.gql(DELETE, { id: deleted.id }, s.token);
    // Someone else's lecture in the same window is never listed.
    const stranger = await student();
    await createLecture(stranger, { startsAt: '2026-03-02T09:00:00Z', endsAt: '2026-03-02T10:00:00Z' });

    const list = async (filter: Record<string, unknown> | undefined, first = 10, after?: string) => {
      const res = await app.gql(LIST, { filter, first, after }, s.token);
      expect(res.errors).toBeUndefined();
      const c = res.data!.lectures;
      return { total: c.totalCount, titles: c.edges.map((e: any) => e.node.title), page: c.pageInfo };
    };
    // Same start: ordered by id.
    const b = [b1, b2].sort((x, y) => (raw(x.id) < raw(y.id) ? -1 : 1)).map((l) => l.title);
    expect((await list(undefined)).titles).toEqual(['A', ...b, 'C', 'D']);
    expect(await list({ from: '2026-03-02T09:00:00Z', to: '2026-03-04T09:00:00Z' })).toMatchObject({
      total: 3,
      titles: [...b, 'C'],
    });
    expect(await list({ courseId: s.courseId, from: '2026-03-02T00:00:00Z' })).toMatchObject({
      total: 3,
      titles: [...b, 'D'],
    });
    expect((await list({ to: '2026-03-01T09:00:00Z' })).total).toBe(0);

    // Pages of two: totalCount is the whole list, cursors continue where the last page ended.
    const first = await list(undefined, 2);
    expect(first).toMatchObject({ total: 5, titles: ['A', b[0]], page: { hasNextPage: true } });
    const second = await list(undefined, 2, first.page.endCursor);
    expect(second).toMatchObject({ total: 5, titles: [b[1], 'C'], page: { hasNextPage: true } });
    const third = await list(undefined, 2, second.page.endCursor);
    expect(third).toMatchObject({ titles: ['D'], page: { hasNextPage: false } });
  });

  it('rejects a window whose end is not after its start', async () => {
    const s = await student();
    const res = await app.gql(LIST, { filter: { from: '2026-03-02T00:00:00Z', to: '2026-03-02T00:00:00Z' } }, s.token);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
  });

  it('answers a malformed or forged cursor with BAD_USER_INPUT, not a server error', async () => {
    const s = await student();
    await createLecture(s);
    for (const after of ['garbage', Buffer.from('GPC:S:not-a-uuid').toString('base64')]) {
      const res = await app.gql(LIST, { first: 1, after }, s.token);
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('loads a lecture and its course in one SQL statement', async () => {
    const s = await student();
    const { id } = await createLecture(s);
    await app.bus.idle();
    queries = [];
    const res = await app.gql(GET, { id }, s.token);
    expect(res.errors).toBeUndefined();
    // The viewer's account is cached since createLecture: one statement, the lecture with its course.
    const lectureQueries = queries.filter((q) => /"Lecture"/.test(q));
    expect(lectureQueries).toHaveLength(1);
    expect(lectureQueries[0]).toMatch(/"Course"/);
    expect(queries).toHaveLength(1);
  });
});

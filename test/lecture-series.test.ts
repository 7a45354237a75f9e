import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withDeleted } from '../src/db/soft-delete.js';
import { createTestApp, globalId as gid, rawId as gidRaw, type TestApp } from './helpers/app.js';
import { indexesUsed } from './helpers/explain.js';
import { createCourse, createUser } from './helpers/factories.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

const SERIES = `id title location recurrence startsAt endsAt timezone
  lectures(first: 100) { totalCount edges { node { id title startsAt endsAt occurrenceDate series { id } } } }`;
const CREATE = `mutation ($input: CreateLectureSeriesInput!) { createLectureSeries(input: $input) { ${SERIES} } }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateLectureSeriesInput!) { updateLectureSeries(id: $id, input: $input) { ${SERIES} } }`;
const DELETE = `mutation ($id: ID!) { deleteLectureSeries(id: $id) { deletedId deletionId } }`;
const RESTORE = `mutation ($id: ID!) { restoreLectureSeries(id: $id) { ${SERIES} } }`;
const AGENDA = `query ($from: DateTime!, $to: DateTime!) {
  agenda(from: $from, to: $to, first: 50) { edges { node { __typename title ... on Lecture { startsAt endsAt occurrenceDate } } } }
}`;

interface Lecture {
  id: string;
  title: string;
  startsAt: string;
  endsAt: string;
  occurrenceDate: string | null;
  series: { id: string } | null;
}
interface Series {
  id: string;
  title: string;
  recurrence: string;
  timezone: string;
  lectures: { totalCount: number; edges: { node: Lecture }[] };
}

/** A student in Berlin (CET/CEST) with one course. */
async function student(timezone = 'Europe/Berlin') {
  const user = await createUser(app.db);
  await app.db.user.update({ where: { id: user.id }, data: { timezone } });
  const course = await createCourse(app.db, user.id, { name: 'Physics' });
  return { user, course, courseId: gid('Course', course.id), token: await app.tokens.issue(user.id) };
}
type Student = Awaited<ReturnType<typeof student>>;

// Mondays and Wednesdays 10:00–11:30 Berlin time from 19 Oct 2026 to 4 Nov 2026: summer time
// (UTC+2) ends on Sunday 25 Oct, so the first two occurrences are at 08:00Z, the rest at 09:00Z.
const weekly = (s: Student, overrides: Record<string, unknown> = {}) => ({
  courseId: s.courseId,
  title: 'Mechanics',
  startsAt: '2026-10-19T08:00:00Z',
  endsAt: '2026-10-19T09:30:00Z',
  recurrence: 'FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20261104',
  ...overrides,
});

async function createSeries(s: Student, overrides: Record<string, unknown> = {}): Promise<Series> {
  const res = await app.gql(CREATE, { input: weekly(s, overrides) }, s.token);
  expect(res.errors).toBeUndefined();
  return res.data!.createLectureSeries as Series;
}
const nodes = (series: Series) => series.lectures.edges.map((e) => e.node);
const starts = (series: Series) => nodes(series).map((l) => [l.occurrenceDate, l.startsAt, l.endsAt]);

describe('lecture series', () => {
  it('expands a weekly rule in the student’s time zone: the local time holds across the DST change', async () => {
    const s = await student();
    const series = await createSeries(s);
    expect(series.recurrence).toBe('FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20261104T225959Z');
    expect(series.timezone).toBe('Europe/Berlin');
    expect(starts(series)).toEqual([
      ['2026-10-19', '2026-10-19T08:00:00.000Z', '2026-10-19T09:30:00.000Z'],
      ['2026-10-21', '2026-10-21T08:00:00.000Z', '2026-10-21T09:30:00.000Z'],
      ['2026-10-26', '2026-10-26T09:00:00.000Z', '2026-10-26T10:30:00.000Z'],
      ['2026-10-28', '2026-10-28T09:00:00.000Z', '2026-10-28T10:30:00.000Z'],
      ['2026-11-02', '2026-11-02T09:00:00.000Z', '2026-11-02T10:30:00.000Z'],
      ['2026-11-04', '2026-11-04T09:00:00.000Z', '2026-11-04T10:30:00.000Z'],
    ]);
    expect(nodes(series).every((l) => l.series?.id === series.id)).toBe(true);
    const events = await app.db.outboxEvent.findMany({ where: { aggregateId: gidRaw(series.id) } });
    expect(events.map((e) => [e.type, (e.payload as { created: number }).created])).toEqual([
      ['lectureSeries.created', 6],
    ]);
  });

  it('puts the occurrences on the agenda at their local time (New York’s DST change is a week later)', async () => {
    const s = await student('America/New_York');
    await createSeries(s, {
      startsAt: '2026-10-26T13:00:00Z', // 09:00 EDT
      endsAt: '2026-10-26T14:00:00Z',
      recurrence: 'FREQ=WEEKLY;BYDAY=MO;COUNT=3',
    });
    const res = await app.gql(AGENDA, { from: '2026-10-25T00:00:00Z', to: '2026-11-20T00:00:00Z' }, s.token);
    expect(res.errors).toBeUndefined();
    const agenda = (res.data!.agenda as { edges: { node: { startsAt: string; occurrenceDate: string } }[] }).edges;
    // Summer time in New York ends on 1 Nov 2026: 09:00 EDT is 13:00Z, 09:00 EST is 14:00Z.
    expect(agenda.map((e) => [e.node.occurrenceDate, e.node.startsAt])).toEqual([
      ['2026-10-26', '2026-10-26T13:00:00.000Z'],
      ['2026-11-02', '2026-11-02T14:00:00.000Z'],
      ['2026-11-09', '2026-11-09T14:00:00.000Z'],
    ]);
  });

  it('edits "this occurrence" on its own and "all occurrences" through the series', async () => {
    const s = await student();
    const series = await createSeries(s);
    const [first, second, third] = nodes(series);
    // This occurrence: moved and renamed; it keeps its own window after a series edit.
    const moved = await app.gql(
      `mutation ($id: ID!) { updateLecture(id: $id, input: { title: "Mechanics (room change)", startsAt: "2026-10-21T12:00:00Z", endsAt: "2026-10-21T13:00:00Z" }) { id } }`,
      { id: second!.id },
      s.token,
    );
    expect(moved.errors).toBeUndefined();
    // Cancelled: stays cancelled after a series edit.
    const cancelled = await app.gql(DELETE.replace('deleteLectureSeries', 'deleteLecture'), { id: third!.id }, s.token);
    expect(cancelled.errors).toBeUndefined();

    // All occurrences: 14:00 local, Wednesdays dropped, a week longer.
    const res = await app.gql(
      UPDATE,
      {
        id: series.id,
        input: {
          title: 'Classical mechanics',
          startsAt: '2026-10-19T12:00:00Z',
          endsAt: '2026-10-19T13:00:00Z',
          recurrence: 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20261109',
        },
      },
      s.token,
    );
    expect(res.errors).toBeUndefined();
    const updated = res.data!.updateLectureSeries as Series;
    expect(nodes(updated).map((l) => [l.occurrenceDate, l.title, l.startsAt])).toEqual([
      ['2026-10-19', 'Classical mechanics', '2026-10-19T12:00:00.000Z'],
      ['2026-10-21', 'Mechanics (room change)', '2026-10-21T12:00:00.000Z'],
      ['2026-11-02', 'Classical mechanics', '2026-11-02T13:00:00.000Z'],
      ['2026-11-09', 'Classical mechanics', '2026-11-09T13:00:00.000Z'],
    ]);
    // The first occurrence is the same lecture, moved (its id is kept); the cancelled Monday stays cancelled.
    expect(nodes(updated)[0]!.id).toBe(first!.id);
    expect(nodes(updated).some((l) => l.id === third!.id)).toBe(false);

    // Wednesdays back: the lectures the edit removed come back (same ids), at the new time.
    const again = await app.gql(
      UPDATE,
      { id: series.id, input: { recurrence: 'FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20261104' } },
      s.token,
    );
    expect(again.errors).toBeUndefined();
    const dates = nodes(again.data!.updateLectureSeries as Series).map((l) => l.occurrenceDate);
    expect(dates).toEqual(['2026-10-19', '2026-10-21', '2026-10-28', '2026-11-02', '2026-11-04']);
    const removedWednesday = await app.db.lecture.findFirst({
      where: withDeleted({ seriesId: gidRaw(series.id), occurrenceDate: new Date('2026-10-28') }),
    });
    expect(removedWednesday?.deletedAt).toBeNull();
    expect(removedWednesday?.startsAt.toISOString()).toBe('2026-10-28T13:00:00.000Z');
  });

  it('deletes a series with its occurrences and restores exactly those; a course delete takes the series too', async () => {
    const s = await student();
    const series = await createSeries(s);
    const cancelledId = nodes(series)[0]!.id;
    await app.gql(DELETE.replace('deleteLectureSeries', 'deleteLecture'), { id: cancelledId }, s.token);

    const del = await app.gql(DELETE, { id: series.id }, s.token);
    expect(del.errors).toBeUndefined();
    expect(await app.db.lecture.count({ where: { seriesId: gidRaw(series.id) } })).toBe(0);
    const restored = await app.gql(RESTORE, { id: series.id }, s.token);
    expect(restored.errors).toBeUndefined();
    expect((restored.data!.restoreLectureSeries as Series).lectures.totalCount).toBe(5);

    const course = await app.gql(
      `mutation ($id: ID!) { deleteCourse(id: $id) { deletionId } }`,
      { id: s.courseId },
      s.token,
    );
    expect(course.errors).toBeUndefined();
    expect(await app.db.lectureSeries.count({ where: { id: gidRaw(series.id) } })).toBe(0);
    await app.gql(`mutation ($id: ID!) { restoreCourse(id: $id) { id } }`, { id: s.courseId }, s.token);
    expect(await app.db.lectureSeries.count({ where: { id: gidRaw(series.id) } })).toBe(1);
    expect(await app.db.lecture.count({ where: { seriesId: gidRaw(series.id) } })).toBe(5);
  });

  it('refuses rules it cannot bound or does not support, with BAD_USER_INPUT and nothing written', async () => {
    const s = await student();
    const cases: [string, RegExp][] = [
      ['FREQ=WEEKLY;BYDAY=MO', /needs an end/],
      ['FREQ=HOURLY;COUNT=3', /DAILY or WEEKLY/],
      ['FREQ=DAILY;COUNT=401', /within 366 days and 400 occurrences/],
      ['FREQ=WEEKLY;UNTIL=20290101', /within 366 days/],
      ['FREQ=WEEKLY;BYHOUR=9;COUNT=2', /not supported/],
      ['FREQ=WEEKLY;COUNT=2;COUNT=3', /not supported/],
      ['FREQ=WEEKLY;UNTIL=20200101', /no occurrence/],
      ['nonsense', /not supported/],
    ];
    for (const [recurrence, message] of cases) {
      const res = await app.gql(CREATE, { input: weekly(s, { recurrence }) }, s.token);
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.message).toMatch(message);
    }
    expect(await app.db.lectureSeries.count({ where: { userId: s.user.id } })).toBe(0);
    expect(await app.db.lecture.count({ where: { userId: s.user.id } })).toBe(0);
  });

  it("answers NOT_FOUND for another student's series and course", async () => {
    const owner = await student();
    const stranger = await student();
    const series = await createSeries(owner);
    const edit = await app.gql(UPDATE, { id: series.id, input: { title: 'Mine now' } }, stranger.token);
    expect(edit.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const del = await app.gql(DELETE, { id: series.id }, stranger.token);
    expect(del.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const create = await app.gql(CREATE, { input: weekly(owner) }, stranger.token);
    expect(create.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const node = await app.gql(`query ($id: ID!) { node(id: $id) { id } }`, { id: series.id }, stranger.token);
    expect(node.data?.node).toBeNull();
  });
});

describe('the series index, proven by EXPLAIN', () => {
  let seeded: TestApp;
  let recording: { sql: string; params: string }[] | null = null;
  afterAll(() => seeded?.close());

  it("a series' occurrences (its lectures connection, and what updateLectureSeries reads) come by Lecture_series_day_key", async () => {
    seeded = await createTestApp({
      onQuery: (sql, params) => recording?.push({ sql, params }),
      env: { PLANNED_EXECUTION: 'off' },
    });
    const user = await createUser(seeded.db);
    await seeded.db.user.update({ where: { id: user.id }, data: { timezone: 'Europe/Berlin' } });
    const course = await createCourse(seeded.db, user.id);
    const token = await seeded.tokens.issue(user.id);
    // A busy timetable: 20,000 one-off lectures beside the series.
    await seeded.db.$executeRawUnsafe(
      `INSERT INTO "Lecture" (id, "userId", "courseId", title, "startsAt", "endsAt", "updatedAt")
       SELECT gen_random_uuid(), $1::uuid, $2::uuid, 'Lecture ' || n, now() + n * interval '1 hour',
              now() + n * interval '1 hour' + interval '45 minutes', now()
       FROM generate_series(1, 20000) n`,
      user.id,
      course.id,
    );
    const created = await seeded.gql(
      `mutation ($input: CreateLectureSeriesInput!) { createLectureSeries(input: $input) { id } }`,
      {
        input: {
          courseId: gid('Course', course.id),
          title: 'Mechanics',
          startsAt: '2026-10-19T08:00:00Z',
          endsAt: '2026-10-19T09:30:00Z',
          recurrence: 'FREQ=WEEKLY;BYDAY=MO,WE;COUNT=30',
        },
      },
      token,
    );
    expect(created.errors).toBeUndefined();
    const id = (created.data!.createLectureSeries as { id: string }).id;
    await seeded.db.$executeRawUnsafe('VACUUM ANALYZE "Lecture"');

    const indexesOf = async (query: string, variables: Record<string, unknown>) => {
      recording = [];
      const res = await seeded.gql(query, variables, token);
      const statements = recording.filter((s) => s.sql.includes('"seriesId"'));
      recording = null;
      expect(res.errors).toBeUndefined();
      return indexesUsed(seeded.db, statements);
    };
    const read = await indexesOf(
      'query ($id: ID!) { node(id: $id) { ... on LectureSeries { lectures(first: 5) { totalCount edges { node { id } } } } } }',
      { id },
    );
    expect(read).toContain('Lecture_series_day_key');
    const edit = await indexesOf(
      'mutation ($id: ID!) { updateLectureSeries(id: $id, input: { title: "Classical mechanics" }) { id } }',
      { id },
    );
    expect(edit).toContain('Lecture_series_day_key');
  }, 120_000);
});

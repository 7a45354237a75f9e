import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'graphql';
import { explain, isFullyPlanned, plan } from '../src/planner/index.js';
import { getSchema } from '../src/schema/index.js';
import { createTestApp, globalId, type TestApp } from './helpers/app.js';
import { indexesUsed } from './helpers/explain.js';
import { createCourse, createUser } from './helpers/factories.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const DAY = 86_400_000;
type Priority = 'LOW' | 'MEDIUM' | 'HIGH' | 'URGENT';
interface Row {
  id: string;
  title: string;
}
interface Page<T> {
  totalCount?: number;
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** A student with one course and the given assignments (due `day` days after the test clock). */
async function student(
  assignments: { title: string; description?: string; priority?: Priority; day: number; completed?: boolean }[] = [],
) {
  const user = await createUser(app.db);
  const token = await app.tokens.issue(user.id);
  const course = await createCourse(app.db, user.id, { name: 'Physics' });
  const now = app.clock.now.getTime();
  const rows = [];
  for (const a of assignments) {
    rows.push(
      await app.db.assignment.create({
        data: {
          userId: user.id,
          courseId: course.id,
          title: a.title,
          description: a.description ?? null,
          priority: a.priority ?? 'MEDIUM',
          dueAt: new Date(now + a.day * DAY),
          completedAt: a.completed ? new Date(now) : null,
        },
      }),
    );
  }
  return { user, token, course, rows };
}

const ASSIGNMENTS = `query ($filter: AssignmentFilter, $orderBy: AssignmentOrder, $first: Int, $after: String) {
  assignments(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount edges { cursor node { id title } } pageInfo { hasNextPage endCursor } } }`;

async function titles(token: string, filter: Record<string, unknown>, orderBy?: Record<string, unknown>) {
  const res = await app.gql<{ assignments: Page<Row> }>(ASSIGNMENTS, { filter, orderBy, first: 100 }, token);
  expect(res.errors).toBeUndefined();
  return res.data!.assignments.edges.map((e) => e.node.title);
}

describe('search', () => {
  it('matches title and description case-insensitively, and only the viewer’s live rows', async () => {
    const { token, rows } = await student([
      { title: 'Thermodynamics essay', day: 1 },
      { title: 'Lab report', description: 'Measure THERMAL expansion', day: 2 },
      { title: 'Reading', description: 'Chapter 3', day: 3 },
      { title: 'Thermo quiz (dropped)', day: 4 },
    ]);
    const other = await student([{ title: 'Thermodynamics, not yours', day: 1 }]);
    await app.gql(
      'mutation ($id: ID!) { deleteAssignment(id: $id) { deletedId } }',
      {
        id: globalId('Assignment', rows[3]!.id),
      },
      token,
    );
    expect(await titles(token, { search: 'therm' })).toEqual(['Thermodynamics essay', 'Lab report']);
    expect(await titles(token, { search: '  THERMO ' })).toEqual(['Thermodynamics essay']);
    expect(await titles(token, { search: 'chapter 3' })).toEqual(['Reading']);
    expect(await titles(token, { search: '   ' })).toHaveLength(3);
    expect(await titles(other.token, { search: 'therm' })).toEqual(['Thermodynamics, not yours']);
  });

  it('takes % and _ as themselves, not as wildcards', async () => {
    const { token } = await student([
      { title: '50% draft', day: 1 },
      { title: '500 words', day: 2 },
      { title: 'snake_case', day: 3 },
      { title: 'snakeXcase', day: 4 },
      { title: 'C:\\temp', day: 5 },
      { title: 'C:temp', day: 6 },
    ]);
    expect(await titles(token, { search: '50%' })).toEqual(['50% draft']);
    expect(await titles(token, { search: 'e_c' })).toEqual(['snake_case']);
    expect(await titles(token, { search: ':\\t' })).toEqual(['C:\\temp']);
  });

  it('searches lectures (title, location), study sessions (title, notes), the agenda and a course’s lists', async () => {
    const { user, token, course } = await student([
      { title: 'Optics problem set', day: 1 },
      { title: 'Mechanics', day: 1 },
    ]);
    const now = app.clock.now.getTime();
    const span = (day: number) => ({
      startsAt: new Date(now + day * DAY),
      endsAt: new Date(now + day * DAY + 3_600_000),
    });
    await app.db.lecture.create({
      data: { userId: user.id, courseId: course.id, title: 'Waves', location: 'Optics lab', ...span(2) },
    });
    await app.db.lecture.create({ data: { userId: user.id, courseId: course.id, title: 'Gravity', ...span(2) } });
    await app.db.studySession.create({
      data: { userId: user.id, courseId: course.id, title: 'Revise', notes: 'optics chapter', ...span(3) },
    });
    await app.db.studySession.create({ data: { userId: user.id, courseId: course.id, title: 'Revise', ...span(3) } });
    const res = await app.gql<{
      lectures: Page<Row>;
      studySessions: Page<Row>;
      agenda: { totalCount: number; edges: { node: { title: string } }[] };
      course: { assignments: Page<Row>; lectures: Page<Row>; studySessions: Page<Row> };
    }>(
      `query ($from: DateTime!, $to: DateTime!, $course: ID!) {
        lectures(filter: { search: "OPTICS" }) { totalCount edges { node { title } } }
        studySessions(filter: { search: "optics" }) { totalCount edges { node { title } } }
        agenda(from: $from, to: $to, search: "optics") { totalCount edges { node { title } } }
        course(id: $course) {
          assignments(search: "optics") { totalCount edges { node { title } } }
          lectures(search: "optics") { totalCount edges { node { title } } }
          studySessions(search: "optics") { totalCount edges { node { title } } }
        } }`,
      {
        from: new Date(now).toISOString(),
        to: new Date(now + 10 * DAY).toISOString(),
        course: globalId('Course', course.id),
      },
      token,
    );
    expect(res.errors).toBeUndefined();
    const d = res.data!;
    const names = (p: { edges: { node: { title: string } }[] }) => p.edges.map((e) => e.node.title);
    expect([names(d.lectures), d.lectures.totalCount]).toEqual([['Waves'], 1]);
    expect([names(d.studySessions), d.studySessions.totalCount]).toEqual([['Revise'], 1]);
    expect([names(d.agenda), d.agenda.totalCount]).toEqual([['Optics problem set', 'Waves', 'Revise'], 3]);
    expect([names(d.course.assignments), d.course.assignments.totalCount]).toEqual([['Optics problem set'], 1]);
    expect([names(d.course.lectures), d.course.lectures.totalCount]).toEqual([['Waves'], 1]);
    expect([names(d.course.studySessions), d.course.studySessions.totalCount]).toEqual([['Revise'], 1]);
  });
});

describe('filters', () => {
  it('combine: search, priority and status together', async () => {
    const { token } = await student([
      { title: 'Essay one', priority: 'HIGH', day: 1 },
      { title: 'Essay two', priority: 'HIGH', day: -1 },
      { title: 'Essay three', priority: 'LOW', day: 2 },
      { title: 'Essay four', priority: 'HIGH', day: 3, completed: true },
      { title: 'Quiz', priority: 'HIGH', day: 4 },
    ]);
    expect(await titles(token, { priority: 'HIGH' })).toEqual(['Essay two', 'Essay one', 'Essay four', 'Quiz']);
    expect(await titles(token, { search: 'essay', priority: 'HIGH' })).toEqual([
      'Essay two',
      'Essay one',
      'Essay four',
    ]);
    expect(await titles(token, { search: 'essay', priority: 'HIGH', status: 'UPCOMING' })).toEqual(['Essay one']);
    expect(await titles(token, { search: 'essay', status: 'COMPLETED' })).toEqual(['Essay four']);
  });
});

describe('orderBy', () => {
  // Ties on every field: two share a due day, two a priority, two a title; created in this order.
  const data = [
    { title: 'B', priority: 'HIGH' as const, day: 2 },
    { title: 'A', priority: 'LOW' as const, day: 1 },
    { title: 'C', priority: 'HIGH' as const, day: 2 },
    { title: 'A', priority: 'URGENT' as const, day: 3 },
    { title: 'D', priority: 'MEDIUM' as const, day: 5 },
  ];
  const RANK = { LOW: 0, MEDIUM: 1, HIGH: 2, URGENT: 3 };

  it('orders by each field both ways, ties by id in the same direction', async () => {
    const { token, rows } = await student(data);
    // Distinct creation times (the rows' createdAt come from the database clock).
    for (const [i, r] of rows.entries()) {
      await app.db.assignment.update({
        where: { id: r.id },
        data: { createdAt: new Date(Date.UTC(2026, 0, 1 + (i % 3))) },
      });
    }
    const fresh = await app.db.assignment.findMany({ where: { id: { in: rows.map((r) => r.id) } } });
    const keys = {
      DUE_AT: (r: (typeof fresh)[number]) => r.dueAt.getTime(),
      PRIORITY: (r: (typeof fresh)[number]) => RANK[r.priority],
      TITLE: (r: (typeof fresh)[number]) => r.title,
      CREATED_AT: (r: (typeof fresh)[number]) => r.createdAt.getTime(),
    };
    for (const [field, key] of Object.entries(keys)) {
      for (const direction of ['ASC', 'DESC'] as const) {
        const sign = direction === 'ASC' ? 1 : -1;
        const expected = [...fresh]
          .sort((a, b) => {
            const [x, y] = [key(a), key(b)];
            return sign * (x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
          })
          .map((r) => globalId('Assignment', r.id));
        const res = await app.gql<{ assignments: Page<Row> }>(ASSIGNMENTS, { orderBy: { field, direction } }, token);
        expect(res.errors).toBeUndefined();
        expect({ field, direction, ids: res.data!.assignments.edges.map((e) => e.node.id) }).toEqual({
          field,
          direction,
          ids: expected,
        });
      }
    }
    // direction left out: ascending.
    expect(await titles(token, {}, { field: 'TITLE' })).toEqual(['A', 'A', 'B', 'C', 'D']);
  });

  it('pages through every item exactly once with each order, two at a time', async () => {
    const { token } = await student([...data, ...data, { title: 'E', priority: 'LOW', day: 1 }]);
    for (const field of ['DUE_AT', 'PRIORITY', 'TITLE', 'CREATED_AT']) {
      for (const direction of ['ASC', 'DESC']) {
        const whole = await app.gql<{ assignments: Page<Row> }>(
          ASSIGNMENTS,
          { orderBy: { field, direction }, first: 100 },
          token,
        );
        const all = whole.data!.assignments.edges.map((e) => e.node.id);
        const seen: string[] = [];
        let after: string | null = null;
        for (let page = 0; page < 20; page++) {
          const res: { data?: { assignments: Page<Row> } | null } = await app.gql<{ assignments: Page<Row> }>(
            ASSIGNMENTS,
            { orderBy: { field, direction }, first: 2, after },
            token,
          );
          const conn = res.data!.assignments;
          seen.push(...conn.edges.map((e) => e.node.id));
          if (!conn.pageInfo.hasNextPage) break;
          after = conn.pageInfo.endCursor;
        }
        expect({ field, direction, seen }).toEqual({ field, direction, seen: all });
        expect(new Set(seen).size).toBe(11);
      }
    }
  });

  it('orders lectures and study sessions, and a course’s lists, by title', async () => {
    const { user, token, course } = await student([
      { title: 'b', day: 1 },
      { title: 'a', day: 2 },
    ]);
    const now = app.clock.now.getTime();
    for (const [i, title] of ['y', 'x', 'z'].entries()) {
      const span = { startsAt: new Date(now + i * DAY), endsAt: new Date(now + i * DAY + 3_600_000) };
      await app.db.lecture.create({ data: { userId: user.id, courseId: course.id, title, ...span } });
      await app.db.studySession.create({ data: { userId: user.id, courseId: course.id, title, ...span } });
    }
    const res = await app.gql<Record<string, Page<Row>> & { course: Record<string, Page<Row>> }>(
      `query ($course: ID!) {
        lectures(orderBy: { field: TITLE, direction: DESC }) { edges { node { title } } }
        studySessions(orderBy: { field: TITLE }) { edges { node { title } } }
        course(id: $course) {
          assignments(orderBy: { field: TITLE }) { edges { node { title } } }
          lectures(orderBy: { field: STARTS_AT, direction: DESC }) { edges { node { title } } }
        } }`,
      { course: globalId('Course', course.id) },
      token,
    );
    expect(res.errors).toBeUndefined();
    const names = (p: Page<Row>) => p.edges.map((e) => e.node.title);
    expect(names(res.data!.lectures!)).toEqual(['z', 'y', 'x']);
    expect(names(res.data!.studySessions!)).toEqual(['x', 'y', 'z']);
    expect(names(res.data!.course.assignments!)).toEqual(['a', 'b']);
    expect(names(res.data!.course.lectures!)).toEqual(['z', 'x', 'y']);
  });
});

describe('bad input', () => {
  it('an unknown order field is a validation error naming the value; a too-long search is BAD_USER_INPUT', async () => {
    const { token } = await student([{ title: 'x', day: 1 }]);
    const unknown = await app.gql(ASSIGNMENTS, { orderBy: { field: 'COLOUR' } }, token);
    expect(unknown.data ?? null).toBeNull();
    expect(unknown.errors?.[0]?.message).toMatch(/COLOUR/);
    const lectureOrder = await app.gql('{ lectures(orderBy: { field: PRIORITY }) { totalCount } }', {}, token);
    expect(lectureOrder.errors?.[0]?.message).toMatch(/PRIORITY/);
    const long = await app.gql(ASSIGNMENTS, { filter: { search: 'x'.repeat(101) } }, token);
    expect(long.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(long.errors?.[0]?.message).toBe('search must be at most 100 characters.');
    const agenda = await app.gql(
      'query ($s: String) { agenda(from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z", search: $s) { totalCount } }',
      { s: 'y'.repeat(101) },
      token,
    );
    expect(agenda.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('the planned path', () => {
  it('plans priority and an orderBy literal; refuses search, an orderBy variable and a course list’s new arguments, saying which', () => {
    const schema = getSchema();
    const planned = (document: string) => isFullyPlanned(plan(schema, parse(document)));
    const reason = (document: string) => {
      const p = plan(schema, parse(document));
      expect(isFullyPlanned(p)).toBe(false);
      return explain(p);
    };
    expect(planned('{ assignments(filter: { priority: HIGH, status: UPCOMING }) { totalCount } }')).toBe(true);
    expect(planned('query ($p: Priority) { assignments(filter: { priority: $p }) { totalCount } }')).toBe(true);
    expect(planned('{ assignments(orderBy: { field: PRIORITY, direction: DESC }) { totalCount } }')).toBe(true);
    expect(
      planned('{ lectures(orderBy: { field: TITLE }) { totalCount } studySessions(orderBy: null) { totalCount } }'),
    ).toBe(true);
    const sql = (document: string) => {
      const root = plan(schema, parse(document)).roots[0];
      return root?.planned ? root.sql : '';
    };
    expect(sql('{ assignments(orderBy: { field: TITLE, direction: DESC }) { totalCount } }')).toMatch(
      /ORDER BY t\d+\."title" DESC, t\d+\."id" DESC/,
    );
    expect(reason('{ assignments(filter: { search: "x" }) { totalCount } }')).toMatch(
      /Query.assignments\(filter: \{ search \}\) has no SQL form/,
    );
    expect(reason('query ($o: AssignmentOrder) { assignments(orderBy: $o) { totalCount } }')).toMatch(
      /orderBy: not an object literal/,
    );
    expect(reason('{ lectures(filter: { search: "x" }) { totalCount } }')).toMatch(
      /Query.lectures\(filter: \{ search \}\)/,
    );
    expect(
      reason('query ($f: DateTime!, $t: DateTime!) { agenda(from: $f, to: $t, search: "x") { totalCount } }'),
    ).toMatch(/Query.agenda\(search:\) has no SQL form/);
    expect(reason('query ($id: ID!) { course(id: $id) { assignments(search: "x") { totalCount } } }')).toMatch(
      /Course.assignments\(search:\)/,
    );
    expect(
      reason('query ($id: ID!) { course(id: $id) { lectures(orderBy: { field: TITLE }) { totalCount } } }'),
    ).toMatch(/Course.lectures\(orderBy:\)/);
    // Without the new arguments, the course lists stay planned.
    expect(planned('query ($id: ID!) { course(id: $id) { assignments(first: 2) { totalCount } } } ')).toBe(true);
  });

  it('answers a refused document on the generic path with the same data as with planning off', async () => {
    const { token } = await student([
      { title: 'Alpha', day: 2 },
      { title: 'beta ALPHA', day: 1 },
    ]);
    const off = await createTestApp({ database: app.database, env: { PLANNED_EXECUTION: 'off' } });
    try {
      const doc =
        '{ assignments(filter: { search: "alpha" }, orderBy: { field: TITLE, direction: DESC }) { edges { node { title } } } }';
      const [on, generic] = [await app.gql(doc, {}, token), await off.gql(doc, {}, token)];
      expect(on.errors).toBeUndefined();
      expect(on.data).toEqual(generic.data);
      expect(on.data).toEqual({
        assignments: { edges: [{ node: { title: 'beta ALPHA' } }, { node: { title: 'Alpha' } }] },
      });
    } finally {
      await off.close();
    }
  });
});

describe('the search indexes, proven by EXPLAIN', () => {
  let seeded: TestApp;
  let recording: { sql: string; params: string }[] | null = null;
  let token: string;
  beforeAll(async () => {
    // The generic path's statements (the planned path refuses search, above).
    seeded = await createTestApp({
      onQuery: (sql, params) => recording?.push({ sql, params }),
      env: { PLANNED_EXECUTION: 'off' },
    });
    const user = await createUser(seeded.db);
    token = await seeded.tokens.issue(user.id);
    const course = await createCourse(seeded.db, user.id);
    // One busy student: 20,000 assignments and 5,000 lectures and study sessions, a few of them about quantum.
    await seeded.db.$executeRawUnsafe(
      `INSERT INTO "Assignment" (id, "userId", "courseId", title, description, "dueAt", "updatedAt")
       SELECT gen_random_uuid(), $1::uuid, $2::uuid,
              CASE WHEN n % 5000 = 0 THEN 'Quantum sheet ' || n ELSE 'Problem set ' || n END,
              'Chapter ' || (n % 40) || ' exercises', now() + (n % 365) * interval '1 day', now()
       FROM generate_series(1, 20000) n`,
      user.id,
      course.id,
    );
    for (const [table, column] of [
      ['Lecture', 'location'],
      ['StudySession', 'notes'],
    ] as const) {
      await seeded.db.$executeRawUnsafe(
        `INSERT INTO "${table}" (id, "userId", "courseId", title, "${column}", "startsAt", "endsAt", "updatedAt")
         SELECT gen_random_uuid(), $1::uuid, $2::uuid, 'Session ' || n,
                CASE WHEN n % 1000 = 0 THEN 'Quantum lab' ELSE 'Room ' || (n % 50) END,
                now() + (n % 365) * interval '1 day', now() + (n % 365) * interval '1 day' + interval '1 hour', now()
         FROM generate_series(1, 5000) n`,
        user.id,
        course.id,
      );
    }
    // VACUUM as autovacuum would: a GIN index's new entries wait in its pending list (fastupdate)
    // until then, and the planner (rightly) costs scanning that list as too dear.
    await seeded.db.$executeRawUnsafe('VACUUM ANALYZE "Assignment", "Lecture", "StudySession"');
  }, 120_000);
  afterAll(() => seeded?.close());

  async function indexesOf(query: string) {
    recording = [];
    const res = await seeded.gql(query, {}, token);
    const statements = recording;
    recording = null;
    expect(res.errors).toBeUndefined();
    return indexesUsed(seeded.db, statements);
  }

  it('assignments(filter: { search }) reads the trigram index, with no sequential scan', async () => {
    const used = await indexesOf(
      '{ assignments(filter: { search: "quantum" }) { totalCount edges { node { title } } } }',
    );
    expect(used).toContain('Assignment_search_trgm_idx');
  });

  it('lectures and studySessions(filter: { search }) read theirs', async () => {
    const used = await indexesOf(`{
      lectures(filter: { search: "quantum" }) { totalCount edges { node { title } } }
      studySessions(filter: { search: "quantum" }) { totalCount edges { node { title } } } }`);
    expect(used).toEqual(expect.arrayContaining(['Lecture_search_trgm_idx', 'StudySession_search_trgm_idx']));
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, globalId, type TestApp } from './helpers/app.js';
import { indexesUsed, planNodes } from './helpers/explain.js';

/**
 * Indexes proven by EXPLAIN, and statement counts that do not grow with the page size.
 * One realistic data set (200 students, 50k assignments, 20k lectures, 20k study sessions, a
 * share deleted or completed), ANALYZEd; each named query runs through GraphQL while its SQL is
 * recorded, then every recorded statement that reads a task table is EXPLAINed with its own
 * parameters.
 */

let recording: { sql: string; params: string }[] | null = null;
let app: TestApp;
let userId: string;
let courseId: string;
let token: string;

beforeAll(async () => {
  // The generic path's statements and plans (the planned path, one statement per root field, has
  // its own suite: planned-parity.test.ts).
  app = await createTestApp({
    onQuery: (sql, params) => recording?.push({ sql, params }),
    env: { PLANNED_EXECUTION: 'off' },
  });
  await app.db.$executeRawUnsafe(`
    INSERT INTO "User" (id, email, "passwordHash", "firstName", "lastName", "updatedAt")
    SELECT gen_random_uuid(), 'seed' || i || '@example.com', 'x', 'Seed', 'User', now() FROM generate_series(1, 200) i`);
  await app.db.$executeRawUnsafe(`
    INSERT INTO "Course" (id, "userId", name, "updatedAt")
    SELECT gen_random_uuid(), u.id, 'Course ' || c, now() FROM "User" u, generate_series(1, 8) c`);
  // 250 assignments per student over a year around now: past ones mostly completed, 10% deleted.
  await app.db.$executeRawUnsafe(`
    INSERT INTO "Assignment" (id, "userId", "courseId", title, "dueAt", "completedAt", "deletedAt", "updatedAt")
    SELECT gen_random_uuid(), c."userId", c.id, 'A' || n,
           now() + ((n * 37 % 365) - 180) * interval '1 day',
           CASE WHEN (n * 37 % 365) < 170 AND n % 4 <> 0 THEN now() ELSE NULL END,
           CASE WHEN n % 10 = 0 THEN now() ELSE NULL END, now()
    FROM "Course" c, generate_series(1, 31) n`);
  for (const table of ['Lecture', 'StudySession']) {
    await app.db.$executeRawUnsafe(`
      INSERT INTO "${table}" (id, "userId", "courseId", title, "startsAt", "endsAt", "deletedAt", "updatedAt")
      SELECT gen_random_uuid(), c."userId", c.id, '${table} ' || n,
             now() + ((n * 29 % 365) - 180) * interval '1 day',
             now() + ((n * 29 % 365) - 180) * interval '1 day' + interval '90 minutes',
             CASE WHEN n % 10 = 0 THEN now() ELSE NULL END, now()
      FROM "Course" c, generate_series(1, 13) n`);
  }
  await app.db.$executeRawUnsafe('ANALYZE');
  const user = await app.db.user.findFirstOrThrow({ where: { email: 'seed7@example.com' } });
  userId = user.id;
  courseId = (await app.db.course.findFirstOrThrow({ where: { userId } })).id;
  token = await app.tokens.issue(userId);
}, 120_000);

afterAll(async () => {
  await app?.close();
});

async function run(query: string, variables: Record<string, unknown> = {}) {
  recording = [];
  const res = await app.gql(query, variables, token);
  const statements = recording;
  recording = null;
  expect(res.errors).toBeUndefined();
  return { data: res.data!, statements };
}

const HOME = `query ($n: Int!) { me {
  upcomingAssignments(first: $n) { title dueAt course { name } }
  overdueCount
  todayAgenda { title course { name } }
} }`;
const COURSE_PAGE = `query ($id: ID!, $n: Int!) { course(id: $id) {
  name
  assignments(first: $n) { totalCount edges { node { title dueAt course { name } } } }
  lectures(first: $n) { totalCount edges { node { title startsAt } } }
  studySessions(first: $n) { totalCount edges { node { title assignment { title } } } }
} }`;
const AGENDA = `query ($from: DateTime!, $to: DateTime!, $n: Int!) {
  agenda(from: $from, to: $to, first: $n) { edges { node { title scheduledAt course { name } } } }
}`;
const COURSES = `query ($n: Int!) { courses(first: $n) { edges { node { name assignments(first: 10) { edges { node { title course { name } } } } } } } }`;
const OVERDUE = `query ($n: Int!) { assignments(first: $n, filter: { status: OVERDUE }) { totalCount edges { node { title course { name } } } } }`;

const weekFrom = () => new Date(Date.now() - 3 * 86_400_000).toISOString();
const weekTo = () => new Date(Date.now() + 4 * 86_400_000).toISOString();

describe('statements per request do not grow with the page size', () => {
  // With the viewer's account lookup cached (as it is after the first request of a token).
  const cases: [string, string, 'course' | 'week' | null, number][] = [
    ['home screen', HOME, null, 2],
    ['course page', COURSE_PAGE, 'course', 1],
    ['agenda', AGENDA, 'week', 1],
    ['courses with nested assignments', COURSES, null, 1],
    ['overdue assignments', OVERDUE, null, 1],
  ];
  it.each(cases)('%s', async (_name, query, extra, expected) => {
    const vars = (n: number) => ({
      n,
      ...(extra === 'course' ? { id: globalId('Course', courseId) } : {}),
      ...(extra === 'week' ? { from: weekFrom(), to: weekTo() } : {}),
    });
    await run(query, vars(1));
    const small = await run(query, vars(5));
    const large = await run(query, vars(50));
    if (process.env.SHOW_PLANS)
      console.log(`${_name}: ${small.statements.length} statements at 5, ${large.statements.length} at 50`);
    expect([small.statements.length, large.statements.length]).toEqual([expected, expected]);
  });
});

describe('each main query uses its index, with no sequential scan on a task table', () => {
  it('home screen: upcoming list and overdue count on the open-assignments index', async () => {
    const { statements } = await run(HOME, { n: 20 });
    const used = await indexesUsed(app.db, statements);
    expect(used).toContain('Assignment_user_open_due_idx');
    expect(used).toEqual(expect.arrayContaining(['Lecture_user_start_live_idx', 'StudySession_user_start_live_idx']));
  });

  it('agenda for a week: one range scan per kind', async () => {
    const { statements } = await run(AGENDA, { from: weekFrom(), to: weekTo(), n: 50 });
    const used = await indexesUsed(app.db, statements);
    expect(used).toEqual(
      expect.arrayContaining([
        'Assignment_user_due_live_idx',
        'Lecture_user_start_live_idx',
        'StudySession_user_start_live_idx',
      ]),
    );
  });

  it('course page: the per-course indexes', async () => {
    const { statements } = await run(COURSE_PAGE, { id: globalId('Course', courseId), n: 20 });
    const used = await indexesUsed(app.db, statements);
    expect(used).toEqual(
      expect.arrayContaining([
        'Assignment_course_due_idx',
        'Lecture_course_start_idx',
        'StudySession_course_start_idx',
      ]),
    );
  });

  it("a hard delete's foreign-key checks find the referencing rows by index", async () => {
    // The statement PostgreSQL runs for ON DELETE RESTRICT / NO ACTION, per deleted row; it sees
    // deleted rows too, so a partial (live-only) index cannot serve it.
    const assignment = await app.db.assignment.findFirstOrThrow({ where: { userId } });
    const checks: [string, string, string, string][] = [
      ['StudySession', 'assignmentId', assignment.id, 'StudySession_assignment_idx'],
      ['Assignment', 'courseId', courseId, 'Assignment_course_due_idx'],
      ['Lecture', 'courseId', courseId, 'Lecture_course_start_idx'],
      ['StudySession', 'courseId', courseId, 'StudySession_course_start_idx'],
    ];
    for (const [table, column, id, index] of checks) {
      const nodes = await planNodes(
        app.db,
        `SELECT 1 FROM ONLY "${table}" x WHERE "${column}" = $1::uuid FOR KEY SHARE OF x`,
        [id],
      );
      expect({ table, column, seq: nodes.some((n) => n['Node Type'] === 'Seq Scan') }).toEqual({
        table,
        column,
        seq: false,
      });
      expect(nodes.map((n) => n['Index Name'])).toContain(index);
    }
  });

  it('overdue assignments with their count', async () => {
    const { data, statements } = await run(OVERDUE, { n: 20 });
    expect(data.assignments.totalCount).toBeGreaterThan(0);
    const used = await indexesUsed(app.db, statements);
    expect(used).toContain('Assignment_user_open_due_idx');
  });
});

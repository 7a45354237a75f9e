import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from './helpers/app.js';
import { indexesUsed, TASK_TABLES } from './helpers/explain.js';

/**
 * The notification list and the reminders job on a realistic data set (150 students, 30k
 * assignments, 12k lectures, 12k study sessions, three lead times, 3k notifications), ANALYZEd:
 * statements per request constant in the page size, and every statement EXPLAINed with its own
 * parameters (no sequential scan on a task table, the named indexes used).
 */

const TEST_NOW = '2027-01-15T12:00:00Z';
let recording: { sql: string; params: string }[] | null = null;
let app: TestApp;
let token: string;

beforeAll(async () => {
  app = await createTestApp({ onQuery: (sql, params) => recording?.push({ sql, params }) });
  // The data set is spread around the test clock (not SQL now(), not today's date), and the jobs
  // and the token run at it.
  app.clock.now = new Date(TEST_NOW);
  const NOW = `'${TEST_NOW}'::timestamptz`;
  const sql = (text: string) => app.db.$executeRawUnsafe(text);
  await sql(`
    INSERT INTO "User" (id, email, "passwordHash", "firstName", "lastName", "updatedAt")
    SELECT gen_random_uuid(), 'plan' || i || '@example.com', 'x', 'Plan', 'User', ${NOW} FROM generate_series(1, 150) i`);
  await sql(`
    INSERT INTO "NotificationPreference" (id, "userId", "reminderLeadMinutes", "updatedAt")
    SELECT gen_random_uuid(), u.id, (ARRAY[30, 60, 1440])[1 + (row_number() OVER () % 3)], ${NOW} FROM "User" u`);
  await sql(`
    INSERT INTO "Course" (id, "userId", name, "updatedAt")
    SELECT gen_random_uuid(), u.id, 'Course ' || c, ${NOW} FROM "User" u, generate_series(1, 8) c`);
  await sql(`
    INSERT INTO "Assignment" (id, "userId", "courseId", title, "dueAt", "completedAt", "deletedAt", "updatedAt")
    SELECT gen_random_uuid(), c."userId", c.id, 'A' || n, ${NOW} + m * interval '1 minute',
           CASE WHEN m < 0 AND n % 4 <> 0 THEN ${NOW} ELSE NULL END,
           CASE WHEN n % 10 = 0 THEN ${NOW} ELSE NULL END, ${NOW}
    FROM "Course" c, generate_series(1, 25) n,
         LATERAL (SELECT abs(hashtext(c.id::text || n)) % 525600 - 262800 AS m) spread`);
  for (const table of ['Lecture', 'StudySession']) {
    await sql(`
      INSERT INTO "${table}" (id, "userId", "courseId", title, "startsAt", "endsAt", "deletedAt", "updatedAt")
      SELECT gen_random_uuid(), c."userId", c.id, '${table} ' || n,
             ${NOW} + m * interval '1 minute', ${NOW} + (m + 90) * interval '1 minute',
             CASE WHEN n % 10 = 0 THEN ${NOW} ELSE NULL END, ${NOW}
      FROM "Course" c, generate_series(1, 10) n,
           LATERAL (SELECT abs(hashtext(c.id::text || n || '${table}')) % 525600 - 262800 AS m) spread`);
  }
  // 60 in-app notifications per student, about their assignments, lectures and courses
  // (interleaved), live subjects first: every page has a live subject of each kind, so the
  // statements per page do not depend on which random ids were deleted.
  await sql(`
    INSERT INTO "Notification" (id, "userId", channel, kind, title, body, "subjectKind", "subjectId", channels, "readAt", "createdAt", "updatedAt")
    SELECT gen_random_uuid(), t."userId", 'IN_APP', 'reminder', 'T', 'B', t.kind, t.id, ARRAY['IN_APP']::"NotificationChannel"[],
           CASE WHEN t.n % 4 = 0 THEN ${NOW} ELSE NULL END, ${NOW} - t.n * interval '1 minute', ${NOW}
    FROM (
      SELECT a."userId", 'ASSIGNMENT' AS kind, a.id, 3 * row_number() OVER (PARTITION BY a."userId" ORDER BY a."deletedAt" NULLS FIRST, a.id) AS n FROM "Assignment" a
      UNION ALL
      SELECT l."userId", 'LECTURE', l.id, 3 * row_number() OVER (PARTITION BY l."userId" ORDER BY l."deletedAt" NULLS FIRST, l.id) + 1 FROM "Lecture" l
      UNION ALL
      SELECT c."userId", 'COURSE', c.id, 3 * row_number() OVER (PARTITION BY c."userId" ORDER BY c.id) + 2 FROM "Course" c
    ) t WHERE t.n <= 60`);
  // And the other channels' rows, already sent (what the indexes must skip).
  await sql(`
    INSERT INTO "Notification" (id, "userId", channel, kind, title, body, channels, "sentAt", "createdAt", "updatedAt")
    SELECT gen_random_uuid(), n."userId", c.channel::"NotificationChannel", n.kind, n.title, n.body, n.channels, ${NOW}, n."createdAt", ${NOW}
    FROM "Notification" n, (VALUES ('EMAIL'), ('PUSH')) c(channel)`);
  // One subject deleted since: the 11th newest assignment notification of the student below, on
  // the page of 50 and not on the page of 5.
  await sql(`
    UPDATE "Assignment" SET "deletedAt" = ${NOW} WHERE id = (
      SELECT n."subjectId" FROM "Notification" n JOIN "User" u ON u.id = n."userId"
      WHERE u.email = 'plan7@example.com' AND n.channel = 'IN_APP' AND n."subjectKind" = 'ASSIGNMENT'
      ORDER BY n."createdAt" DESC LIMIT 1 OFFSET 10)`);
  await sql('ANALYZE');
  const user = await app.db.user.findFirstOrThrow({ where: { email: 'plan7@example.com' } });
  token = await app.tokens.issue(user.id);
}, 120_000);

afterAll(async () => {
  await app?.close();
});

async function record<T>(
  work: () => Promise<T>,
): Promise<{ result: T; statements: { sql: string; params: string }[] }> {
  recording = [];
  const result = await work();
  const statements = recording;
  recording = null;
  return { result, statements };
}

const LIST = `query ($n: Int!, $unreadOnly: Boolean) { me {
  unreadCount
  notifications(first: $n, unreadOnly: $unreadOnly) {
    totalCount
    edges { node { id kind title read createdAt subject { __typename ... on Assignment { title dueAt } ... on Lecture { title } ... on Course { name } } } }
  }
} }`;

async function list(n: number, unreadOnly = false) {
  const { result, statements } = await record(() => app.gql(LIST, { n, unreadOnly }, token));
  expect(result.errors).toBeUndefined();
  return { data: result.data!, statements };
}

describe('the notification list', () => {
  it('runs as many statements for 50 notifications as for 5, with their subjects batched', async () => {
    await list(1);
    const small = await list(5);
    const large = await list(50);
    // (A subject deleted since is null.)
    const kinds = new Set(large.data.me.notifications.edges.flatMap((e: any) => e.node.subject?.__typename ?? []));
    expect(kinds).toEqual(new Set(['Assignment', 'Lecture', 'Course']));
    expect(large.data.me.notifications.edges.some((e: any) => e.node.subject === null)).toBe(true);
    if (process.env.SHOW_PLANS)
      console.log(`${small.statements.length} statements at 5, ${large.statements.length} at 50`);
    expect(small.statements.length).toBe(large.statements.length);
    // me, the page, its count, the unread count; per subject kind on the page, the DataLoader's
    // statement and plugin-prisma's batched load of the selected fields (see docs/notifications.md).
    expect(large.statements.length).toBeLessThanOrEqual(10);
  });

  it('reads the page and the counts from the inbox and unread indexes', async () => {
    const all = await list(20);
    if (process.env.SHOW_PLANS) console.log(all.statements.map((s) => `${s.sql}\n${s.params}`).join('\n\n'));
    expect(await indexesUsed(app.db, all.statements, ['Notification'])).toContain('Notification_user_inbox_idx');
    const unread = await list(20, true);
    expect(await indexesUsed(app.db, unread.statements, ['Notification'])).toContain('Notification_user_unread_idx');
  });
});

describe('the reminders job', () => {
  it('finds a window’s due reminders through the per-user indexes, in a fixed number of statements', async () => {
    const { result, statements } = await record(() => app.jobs.run('reminders'));
    expect(result?.error).toBeNull();
    expect((result?.result as { reminders: number }).reminders).toBeGreaterThan(0);
    const used = await indexesUsed(app.db, statements, TASK_TABLES);
    // Per user: one of the two per-user assignment indexes, and the per-user lecture and session ones.
    expect(used.some((i) => /^Assignment_user_(open_)?due(_live)?_idx$/.test(i))).toBe(true);
    expect(used).toEqual(expect.arrayContaining(['Lecture_user_start_live_idx', 'StudySession_user_start_live_idx']));
    // lock, find-and-insert reminders, recipients, notifications, events, the JobRun row (+ BEGIN/COMMIT).
    const again = await record(() => app.jobs.run('reminders'));
    if (process.env.SHOW_PLANS) console.log(`${statements.length} statements, then ${again.statements.length}`);
    expect(statements.length).toBeLessThanOrEqual(10);
  });
});

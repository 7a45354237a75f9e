import { rollupAnalyticsJob } from '../src/jobs/rollup-analytics.js';
import { runJob } from '../src/jobs/runner.js';
import { createLogger } from '../src/observability/logger.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createCourse, createUser } from './helpers/factories.js';

let app: TestApp;
const statements: string[] = [];
beforeAll(async () => {
  app = await createTestApp({ onQuery: (sql) => statements.push(sql) });
});
afterAll(() => app.close());

const at = (iso: string) => new Date(iso);

const ANALYTICS = `query($from: DateTime!, $to: DateTime!, $g: AnalyticsGranularity!) {
  analytics(from: $from, to: $to, granularity: $g) {
    from to granularity activeUsers totalEvents eventsByType { type count }
    buckets { start signUps activeUsers assignmentsCreated lecturesCreated studySessionsCreated assignmentsCompleted premiumConversions }
  }
}`;

describe('analytics', () => {
  let adminToken: string;

  beforeAll(async () => {
    const admin = await createUser(app.db, { role: 'ADMIN' });
    adminToken = await app.tokens.issue(admin.id);
    const user = async (createdAt: string) => {
      const u = await createUser(app.db);
      return app.db.user.update({ where: { id: u.id }, data: { createdAt: at(createdAt) } });
    };
    // Sign-ups: 2 on Mar 2, 2 on Mar 3 (one deleted since: it still counts), 1 on Mar 4; one each
    // just before and just after the range (the second falls in the week).
    const u1 = await user('2026-03-02T10:00:00Z');
    const u2 = await user('2026-03-02T23:59:59Z');
    const u3 = await user('2026-03-03T00:00:00Z');
    const gone = await user('2026-03-03T08:00:00Z');
    await app.db.user.delete({ where: { id: gone.id } });
    await user('2026-03-04T12:00:00Z');
    await user('2026-03-01T23:59:59Z');
    await user('2026-03-05T00:00:00Z');

    // Activity, recorded by the server as the accounts make requests on those days.
    const active = async (day: string, ...ids: string[]) => {
      app.clock.now = at(`${day}T12:00:00Z`);
      for (const id of ids) {
        const res = await app.gql('{ me { id } }', {}, await app.tokens.issue(id));
        expect(res.errors).toBeUndefined();
      }
    };
    await active('2026-03-02', u1.id, u2.id, u1.id, u1.id);
    await active('2026-03-03', u1.id, u3.id);
    await app.server.activity.flush();

    const course = await createCourse(app.db, u1.id);
    const assignment = (createdAt: string, completedAt: string | null = null) =>
      app.db.assignment.create({
        data: {
          userId: u1.id,
          courseId: course.id,
          title: 'A',
          dueAt: at('2026-04-01T00:00:00Z'),
          createdAt: at(createdAt),
          completedAt: completedAt ? at(completedAt) : null,
        },
      });
    await assignment('2026-03-02T09:00:00Z', '2026-03-03T10:00:00Z');
    await assignment('2026-03-02T18:00:00Z', '2026-03-04T23:00:00Z');
    await assignment('2026-03-04T01:00:00Z', '2026-03-06T10:00:00Z');
    const times = { startsAt: at('2026-04-01T10:00:00Z'), endsAt: at('2026-04-01T11:00:00Z') };
    await app.db.lecture.create({
      data: { userId: u1.id, courseId: course.id, title: 'L', ...times, createdAt: at('2026-03-03T15:00:00Z') },
    });
    for (const createdAt of ['2026-03-02T07:00:00Z', '2026-03-05T07:00:00Z']) {
      await app.db.studySession.create({
        data: { userId: u1.id, courseId: course.id, title: 'S', ...times, createdAt: at(createdAt) },
      });
    }
    // Conversions: applied first purchases only (not STALE ones, not renewals).
    const webhook = (n: number, type: string, outcome: string, userId: string, eventAt: string) =>
      app.db.webhookEvent.create({
        data: {
          provider: 'revenuecat',
          externalId: `fixture-${n}`,
          type,
          outcome,
          userId,
          eventAt: at(eventAt),
          payload: {},
        },
      });
    await webhook(1, 'INITIAL_PURCHASE', 'APPLIED', u1.id, '2026-03-03T11:00:00Z');
    await webhook(2, 'INITIAL_PURCHASE', 'APPLIED', u2.id, '2026-03-04T11:00:00Z');
    await webhook(3, 'INITIAL_PURCHASE', 'STALE', u3.id, '2026-03-04T11:00:00Z');
    await webhook(4, 'RENEWAL', 'APPLIED', u1.id, '2026-03-04T12:00:00Z');
    // The admin reads the figures later (their own activity falls outside the range).
    app.clock.now = at('2026-06-01T12:00:00Z');
  });

  const bucket = (start: string, figures: number[]) => {
    const [
      signUps,
      activeUsers,
      assignmentsCreated,
      lecturesCreated,
      studySessionsCreated,
      assignmentsCompleted,
      premiumConversions,
    ] = figures;
    return {
      start,
      signUps,
      activeUsers,
      assignmentsCreated,
      lecturesCreated,
      studySessionsCreated,
      assignmentsCompleted,
      premiumConversions,
    };
  };

  it('per day matches the hand-counted fixtures', async () => {
    const res = await app.gql(
      ANALYTICS,
      { from: '2026-03-02T00:00:00Z', to: '2026-03-05T00:00:00Z', g: 'DAY' },
      adminToken,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.analytics).toEqual({
      from: '2026-03-02T00:00:00.000Z',
      to: '2026-03-05T00:00:00.000Z',
      granularity: 'DAY',
      activeUsers: 3,
      // The buckets' sums: 5 sign-ups, 3 assignments, 1 lecture, 1 session, 2 completed, 2 conversions.
      totalEvents: 14,
      eventsByType: [
        { type: 'SIGN_UP', count: 5 },
        { type: 'ASSIGNMENT_CREATED', count: 3 },
        { type: 'LECTURE_CREATED', count: 1 },
        { type: 'STUDY_SESSION_CREATED', count: 1 },
        { type: 'ASSIGNMENT_COMPLETED', count: 2 },
        { type: 'PREMIUM_CONVERSION', count: 2 },
      ],
      buckets: [
        // signUps, DAU, assignments, lectures, sessions created, assignments completed, conversions
        bucket('2026-03-02T00:00:00.000Z', [2, 2, 2, 0, 1, 0, 0]),
        bucket('2026-03-03T00:00:00.000Z', [2, 2, 0, 1, 0, 1, 1]),
        bucket('2026-03-04T00:00:00.000Z', [1, 0, 1, 0, 0, 1, 1]),
      ],
    });
  });

  it('per week (from Monday), with the range widened to whole weeks', async () => {
    const res = await app.gql(
      ANALYTICS,
      { from: '2026-03-03T15:00:00Z', to: '2026-03-05T00:00:00Z', g: 'WEEK' },
      adminToken,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.analytics).toMatchObject({
      from: '2026-03-02T00:00:00.000Z',
      to: '2026-03-09T00:00:00.000Z',
      activeUsers: 3,
      buckets: [bucket('2026-03-02T00:00:00.000Z', [6, 3, 3, 1, 2, 3, 2])],
    });
  });

  it('is one SQL statement; activity is written in batches, once per account and day, not per request', async () => {
    const vars = { from: '2026-03-02T00:00:00Z', to: '2026-03-05T00:00:00Z', g: 'DAY' };
    await app.gql(ANALYTICS, vars, adminToken); // the viewer lookup, cached after it
    statements.length = 0;
    await app.gql(ANALYTICS, vars, adminToken);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toContain('generate_series');

    // A new day: requests write nothing; a flush writes each account's first of the day, once.
    app.clock.now = at('2026-06-02T08:00:00Z');
    await app.server.activity.flush();
    const student = await app.tokens.issue((await createUser(app.db)).id);
    await app.gql('{ me { id } }', {}, student); // its viewer lookup
    statements.length = 0;
    for (let i = 0; i < 3; i++) {
      await app.gql('{ me { id } }', {}, adminToken);
      await app.gql('{ me { id } }', {}, student);
    }
    expect(statements.filter((sql) => sql.includes('UserActivityDay'))).toHaveLength(0);
    expect(await app.server.activity.flush()).toBe(2);
    expect(await app.server.activity.flush()).toBe(0);
    expect(statements.filter((sql) => sql.includes('INSERT INTO "UserActivityDay"'))).toHaveLength(1);
    const days = await app.db.$queryRaw<{ day: string; n: number }[]>`
      SELECT to_char("day", 'YYYY-MM-DD') AS day, count(*)::int AS n FROM "UserActivityDay"
      WHERE "day" IN ('2026-03-02', '2026-06-02') GROUP BY 1 ORDER BY 1`;
    expect(days).toEqual([
      { day: '2026-03-02', n: 2 },
      { day: '2026-06-02', n: 2 },
    ]);
  });

  it('after the rollup job, finished days are read from AnalyticsDay with the same figures', async () => {
    const job = rollupAnalyticsJob();
    const jobs = { db: app.db, logger: createLogger('silent') };
    const result = await runJob(jobs, job, () => at('2026-03-10T06:00:00Z'));
    expect(result).toMatchObject({ rowsTouched: 9, result: { from: '2026-03-01', to: '2026-03-10' }, error: null });
    // A second run rolls up only the settling days again (the last 3).
    expect(await runJob(jobs, job, () => at('2026-03-10T07:00:00Z'))).toMatchObject({
      rowsTouched: 3,
      result: { from: '2026-03-07' },
    });
    const day = { from: '2026-03-02T00:00:00Z', to: '2026-03-05T00:00:00Z', g: 'DAY' };
    const byDay = await app.gql(ANALYTICS, day, adminToken);
    expect(byDay.data?.analytics.buckets).toEqual([
      bucket('2026-03-02T00:00:00.000Z', [2, 2, 2, 0, 1, 0, 0]),
      bucket('2026-03-03T00:00:00.000Z', [2, 2, 0, 1, 0, 1, 1]),
      bucket('2026-03-04T00:00:00.000Z', [1, 0, 1, 0, 0, 1, 1]),
    ]);
    const byWeek = await app.gql(ANALYTICS, { ...day, g: 'WEEK' }, adminToken);
    expect(byWeek.data?.analytics.buckets).toEqual([bucket('2026-03-02T00:00:00.000Z', [6, 3, 3, 1, 2, 3, 2])]);
    // Served from the rollup: a row written into a rolled-up day afterwards is not seen.
    const late = await createUser(app.db);
    await app.db.user.update({ where: { id: late.id }, data: { createdAt: at('2026-03-02T12:00:00Z') } });
    expect((await app.gql(ANALYTICS, day, adminToken)).data?.analytics.buckets[0].signUps).toBe(2);
    await app.db.$executeRaw`DELETE FROM "User" WHERE "id" = ${late.id}::uuid`;
  });

  it('rejects a reversed or too long range with BAD_USER_INPUT', async () => {
    for (const vars of [
      { from: '2026-03-05T00:00:00Z', to: '2026-03-02T00:00:00Z', g: 'DAY' },
      { from: '2024-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z', g: 'DAY' },
      { from: '1990-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z', g: 'WEEK' },
    ]) {
      const res = await app.gql(ANALYTICS, vars, adminToken);
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('databaseHealth', () => {
  it('lists a deliberately unused index as unused, tables with their rows, and says pg_stat_statements is not available', async () => {
    const admin = await createUser(app.db, { role: 'ADMIN' });
    const token = await app.tokens.issue(admin.id);
    await app.db.$executeRawUnsafe('CREATE INDEX "deliberately_unused_idx" ON "Course" ("color")');
    const res = await app.gql(
      `{ databaseHealth {
          statsResetAt
          indexes { table index sizeBytes scans tuplesRead unused enforcesConstraint definition }
          tables { table liveRows deadRows sizeBytes lastVacuum lastAutovacuum lastAnalyze lastAutoanalyze }
          slowStatements { available reason statements { query calls meanMs } }
        } }`,
      {},
      token,
    );
    expect(res.errors).toBeUndefined();
    const health = res.data?.databaseHealth;
    const unused = health.indexes.find((i: { index: string }) => i.index === 'deliberately_unused_idx');
    expect(unused).toMatchObject({ table: 'Course', scans: 0, tuplesRead: 0, unused: true, enforcesConstraint: false });
    expect(unused.sizeBytes).toBeGreaterThan(0);
    expect(unused.definition).toContain('CREATE INDEX deliberately_unused_idx ON public."Course" USING btree (color)');
    const pkey = health.indexes.find((i: { index: string }) => i.index === 'User_pkey');
    expect(pkey).toMatchObject({ table: 'User', enforcesConstraint: true });
    const users = health.tables.find((t: { table: string }) => t.table === 'User');
    expect(users).toEqual(
      expect.objectContaining({
        liveRows: expect.any(Number),
        deadRows: expect.any(Number),
        sizeBytes: expect.any(Number),
      }),
    );
    // The test server does not preload pg_stat_statements.
    const preloaded = await app.db.$queryRaw<{ v: string }[]>`SELECT current_setting('shared_preload_libraries') AS v`;
    if (!preloaded[0]?.v.includes('pg_stat_statements')) {
      expect(health.slowStatements).toEqual({
        available: false,
        reason: expect.stringContaining('not available'),
        statements: [],
      });
    }
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createPrisma } from '../src/db/client.js';
import { remindersJob } from '../src/jobs/reminders.js';
import { JobScheduler } from '../src/jobs/runner.js';
import { createLogger } from '../src/observability/logger.js';
import { createTestApp, globalId, rawId, type TestApp } from './helpers/app.js';
import { createAssignment, createCourse, createLecture, createSessionAt, createUser } from './helpers/factories.js';

let app: TestApp;
const MIN = 60_000;

beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});
beforeEach(() => {
  app.clock.now = new Date('2026-12-01T09:00:00Z');
});

async function student(options: { timezone?: string; role?: 'USER' | 'ADMIN' } = {}) {
  const user = await createUser(app.db, { role: options.role });
  if (options.timezone) await app.db.user.update({ where: { id: user.id }, data: { timezone: options.timezone } });
  const course = await createCourse(app.db, user.id);
  return { user, course, token: await app.tokens.issue(user.id) };
}

/** The student's phone, registered for push: a push reaches only registered devices (docs/push.md). */
async function withPhone(userId: string) {
  await app.db.device.create({
    data: { userId, platform: 'IOS', token: userId.replace(/-/g, '').padEnd(64, '0'), lastSeenAt: app.clock.now },
  });
}

async function ok<T = Record<string, any>>(query: string, variables: Record<string, unknown>, token: string) {
  const res = await app.gql<T>(query, variables, token);
  expect(res.errors).toBeUndefined();
  await app.bus.idle();
  return res.data!;
}

async function run(name: string) {
  const record = await app.jobs.run(name);
  expect(record?.error).toBeNull();
  await app.bus.idle();
  return record!;
}

const at = (minutes: number) => new Date(app.clock.now.getTime() + minutes * MIN);
const reminders = (userId: string) =>
  app.db.notification.findMany({ where: { userId, kind: 'reminder' }, orderBy: { channel: 'asc' } });

const LIST = `query ($first: Int, $after: String, $unreadOnly: Boolean) {
  me { unreadCount notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id kind title body channels read readAt createdAt
      subject { __typename ... on Assignment { title dueAt } ... on Course { name } ... on Lecture { title } ... on StudySession { title } } } }
  } }
}`;

describe('reminders', () => {
  it('reminds of an assignment at dueAt - lead on every channel, once, and delivers email and push', async () => {
    const s = await student();
    await withPhone(s.user.id);
    const created = await ok(
      `mutation ($input: CreateAssignmentInput!) { createAssignment(input: $input) { id } }`,
      { input: { courseId: globalId('Course', s.course.id), title: 'Essay', dueAt: at(120).toISOString() } },
      s.token,
    );
    await run('reminders');
    expect(await reminders(s.user.id)).toHaveLength(0);

    app.clock.now = at(61);
    const first = await run('reminders');
    expect(first.rowsTouched).toBeGreaterThanOrEqual(4);
    const rows = await reminders(s.user.id);
    expect(rows.map((r) => r.channel)).toEqual(['IN_APP', 'EMAIL', 'PUSH']);
    expect(rows[0]).toMatchObject({ title: 'Due in 59 minutes: Essay', subjectKind: 'ASSIGNMENT', readAt: null });

    // Re-runs issue nothing more.
    await run('reminders');
    app.clock.now = at(30);
    await run('reminders');
    expect(await reminders(s.user.id)).toHaveLength(3);

    await run('deliver-notifications');
    expect(app.mailer.outbox.filter((m) => m.to === s.user.email).map((m) => m.subject)).toEqual([
      'Due in 59 minutes: Essay',
    ]);
    expect(app.push.sent.filter((p) => p.userId === s.user.id)).toHaveLength(1);
    await run('deliver-notifications');
    expect(app.mailer.outbox.filter((m) => m.to === s.user.email)).toHaveLength(1);

    const data = await ok(LIST, { first: 10 }, await app.tokens.issue(s.user.id));
    const reminder = data.me.notifications.edges.find((e: any) => e.node.kind === 'reminder').node;
    expect(reminder).toMatchObject({
      channels: ['IN_APP', 'EMAIL', 'PUSH'],
      read: false,
      subject: { __typename: 'Assignment', title: 'Essay' },
    });
    expect(rawId(created.createAssignment.id)).toBe(rows[0]!.subjectId);
  });

  it('reminds before lectures and planned study sessions, not logged ones', async () => {
    const s = await student();
    await createLecture(app.db, s.user.id, s.course.id, at(30), 'Algorithms');
    await createSessionAt(app.db, s.user.id, s.course.id, at(45), 'Revise');
    const logged = await createSessionAt(app.db, s.user.id, s.course.id, at(50), 'Done already');
    await app.db.studySession.update({ where: { id: logged.id }, data: { actualMinutes: 30 } });
    await createLecture(app.db, s.user.id, s.course.id, at(90), 'Later');
    await run('reminders');
    const titles = (await reminders(s.user.id)).filter((r) => r.channel === 'IN_APP').map((r) => r.title);
    expect(titles.sort()).toEqual(['Starts in 30 minutes: Algorithms', 'Starts in 45 minutes: Revise']);
  });

  it('moves with the due time and the lead time, cancels on completion and deletion, comes back on restore', async () => {
    const s = await student();
    const moved = await createAssignment(app.db, s.user.id, s.course.id, { title: 'moved', dueAt: at(300) });
    const completed = await createAssignment(app.db, s.user.id, s.course.id, { title: 'completed', dueAt: at(30) });
    const deleted = await createAssignment(app.db, s.user.id, s.course.id, { title: 'deleted', dueAt: at(40) });
    const lead = await createAssignment(app.db, s.user.id, s.course.id, { title: 'lead', dueAt: at(100) });

    await ok(
      `mutation ($id: ID!, $input: UpdateAssignmentInput!) { updateAssignment(id: $id, input: $input) { id } }`,
      { id: globalId('Assignment', moved.id), input: { dueAt: at(50).toISOString() } },
      s.token,
    );
    await ok(
      `mutation ($id: ID!) { completeAssignment(id: $id) { id } }`,
      { id: globalId('Assignment', completed.id) },
      s.token,
    );
    await ok(
      `mutation ($id: ID!) { deleteAssignment(id: $id) { deletedId } }`,
      { id: globalId('Assignment', deleted.id) },
      s.token,
    );
    await run('reminders');
    const inApp = async () =>
      (await reminders(s.user.id)).filter((r) => r.channel === 'IN_APP').map((r) => r.subjectId);
    expect(await inApp()).toEqual([moved.id]);

    // A longer lead brings the 100-minute task into its window; a reminder is per task and lead.
    await ok(
      `mutation { updateNotificationPreferences(input: { reminderLeadMinutes: 120 }) { reminderLeadMinutes } }`,
      {},
      s.token,
    );
    await ok(
      `mutation ($id: ID!) { restoreAssignment(id: $id) { id } }`,
      { id: globalId('Assignment', deleted.id) },
      s.token,
    );
    await run('reminders');
    expect((await inApp()).sort()).toEqual([moved.id, deleted.id, lead.id].sort());
    expect(await app.db.reminder.findMany({ where: { userId: s.user.id }, select: { leadMinutes: true } })).toEqual(
      expect.arrayContaining([{ leadMinutes: 60 }, { leadMinutes: 120 }]),
    );

    // Restored after it started: too late, nothing.
    const gone = await createAssignment(app.db, s.user.id, s.course.id, { title: 'gone', dueAt: at(10) });
    await app.db.assignment.delete({ where: { id: gone.id } });
    app.clock.now = at(11);
    await app.db.assignment.restore({ where: { id: gone.id } });
    await run('reminders');
    expect(await inApp()).not.toContain(gone.id);
  });

  it('sends exactly once under two competing runners and a restart (a uniqueness rule in the database)', async () => {
    const s = await student();
    for (let i = 0; i < 20; i++) await createAssignment(app.db, s.user.id, s.course.id, { dueAt: at(10 + i) });
    const logger = createLogger('silent');
    // A second replica: its own connection pool and scheduler on the same database.
    const replicaDb = createPrisma({ url: app.database.url, poolSize: 2 });
    try {
      const replica = new JobScheduler({
        db: replicaDb,
        logger,
        jobs: [remindersJob()],
        now: () => new Date(app.clock.now),
      });
      const total = () => app.db.reminder.count();
      let before = await total();
      const [a, b] = await Promise.all([app.jobs.run('reminders'), replica.run('reminders')]);
      // Either one ran and the other found the lock taken, or one ran after the other and found nothing.
      const runs = [a, b].filter((r) => r);
      expect(runs.every((r) => r!.error === null)).toBe(true);
      expect(runs.reduce((n, r) => n + (r!.result as { reminders: number }).reminders, 0)).toBe(
        (await total()) - before,
      );
      expect(await app.db.reminder.count({ where: { userId: s.user.id } })).toBe(20);

      // Without the lock (two transactions at once): the unique index alone keeps it to one.
      const more = [];
      for (let i = 0; i < 10; i++)
        more.push(await createAssignment(app.db, s.user.id, s.course.id, { dueAt: at(30 + i) }));
      const job = remindersJob();
      const now = new Date(app.clock.now);
      before = await total();
      const counts = await Promise.all([
        app.db.$transaction((tx) => job.run(tx, now)),
        replicaDb.$transaction((tx) => job.run(tx, now)),
      ]);
      expect(counts.reduce((n, r) => n + Number(r.reminders), 0)).toBe((await total()) - before);
    } finally {
      await replicaDb.$disconnect();
    }
    // A restart: a new app on the same database runs the job again.
    const restarted = await createTestApp({ database: app.database });
    try {
      restarted.clock.now = new Date(app.clock.now);
      const record = await restarted.jobs.run('reminders');
      expect(record?.error).toBeNull();
    } finally {
      await restarted.close();
    }
    expect(await app.db.reminder.count({ where: { userId: s.user.id } })).toBe(30);
    expect(await app.db.notification.count({ where: { userId: s.user.id, kind: 'reminder', channel: 'IN_APP' } })).toBe(
      30,
    );
  });
});

describe('quiet hours and time zones', () => {
  it('delays email and push to the end of quiet hours across a DST change, never the in-app row', async () => {
    const s = await student({ timezone: 'Europe/Berlin' });
    await withPhone(s.user.id);
    await ok(
      `mutation { updateNotificationPreferences(input: { quietHours: { start: "22:00", end: "07:00" } }) { quietHours { start end } } }`,
      {},
      s.token,
    );
    // 22:30 CET on the night clocks go forward (02:00 CET → 03:00 CEST): quiet until 07:00 CEST = 05:00Z.
    app.clock.now = new Date('2026-03-28T21:30:00Z');
    await createAssignment(app.db, s.user.id, s.course.id, { title: 'Night', dueAt: at(45) });
    await run('reminders');
    const rows = await reminders(s.user.id);
    expect(rows.find((r) => r.channel === 'IN_APP')).toMatchObject({
      sentAt: app.clock.now,
      body: '"Night" is due at 23:15.',
    });
    for (const channel of ['EMAIL', 'PUSH']) {
      expect(rows.find((r) => r.channel === channel)).toMatchObject({
        sentAt: null,
        scheduledFor: new Date('2026-03-29T05:00:00Z'),
      });
    }
    await run('deliver-notifications');
    expect(app.mailer.outbox.filter((m) => m.to === s.user.email)).toHaveLength(0);
    app.clock.now = new Date('2026-03-29T04:59:00Z');
    await run('deliver-notifications');
    expect(app.mailer.outbox.filter((m) => m.to === s.user.email)).toHaveLength(0);
    app.clock.now = new Date('2026-03-29T05:00:00Z');
    await run('deliver-notifications');
    expect(app.mailer.outbox.filter((m) => m.to === s.user.email)).toHaveLength(1);
    expect(app.push.sent.filter((p) => p.userId === s.user.id)).toHaveLength(1);
  });

  it('sends the daily digest at 07:00 local time with tomorrow’s tasks, on a 25-hour day, once', async () => {
    const s = await student({ timezone: 'America/New_York' });
    await ok(
      `mutation { updateNotificationPreferences(input: { dailyDigestEnabled: true }) { dailyDigestEnabled } }`,
      {},
      s.token,
    );
    // Saturday 2026-10-31; tomorrow, Sunday 1 Nov, clocks go back: 04:00Z to 05:00Z next day.
    await createAssignment(app.db, s.user.id, s.course.id, {
      title: 'late sunday',
      dueAt: new Date('2026-11-02T04:30:00Z'),
    });
    await createAssignment(app.db, s.user.id, s.course.id, {
      title: 'monday',
      dueAt: new Date('2026-11-02T05:30:00Z'),
    });
    await createAssignment(app.db, s.user.id, s.course.id, {
      title: 'saturday',
      dueAt: new Date('2026-11-01T03:30:00Z'),
    });
    await createLecture(app.db, s.user.id, s.course.id, new Date('2026-11-01T14:00:00Z'), 'Sunday lecture');
    app.clock.now = new Date('2026-10-31T10:59:00Z'); // 06:59 EDT
    await run('digest');
    const digests = () =>
      app.db.notification.findMany({ where: { userId: s.user.id, kind: 'digest', channel: 'IN_APP' } });
    expect(await digests()).toHaveLength(0);
    app.clock.now = new Date('2026-10-31T11:00:00Z'); // 07:00 EDT
    await run('digest');
    app.clock.now = new Date('2026-10-31T11:15:00Z');
    await run('digest');
    const sent = await digests();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      title: 'Tomorrow: 2 tasks',
      body: '09:00 Lecture: Sunday lecture\n23:30 Due: late sunday',
    });
  });
});

describe('the notification list', () => {
  it('pages newest first with totalCount, unreadOnly and unreadCount; marks read and deletes', async () => {
    const s = await student();
    const course = await ok(`mutation { createCourse(input: { name: "Physics" }) { id } }`, {}, s.token);
    for (const title of ['one', 'two', 'three']) {
      app.clock.now = at(1);
      await ok(
        `mutation ($input: CreateAssignmentInput!) { createAssignment(input: $input) { id } }`,
        { input: { courseId: course.createCourse.id, title, dueAt: at(10_000).toISOString() } },
        s.token,
      );
    }
    const page = await ok(LIST, { first: 2 }, s.token);
    expect(page.me.unreadCount).toBe(3);
    expect(page.me.notifications.totalCount).toBe(3);
    expect(page.me.notifications.edges.map((e: any) => e.node.body)).toEqual([
      '"three" was added.',
      '"two" was added.',
    ]);
    expect(page.me.notifications.edges[0].node).toMatchObject({
      kind: 'assignment.created',
      channels: ['IN_APP'],
      subject: { __typename: 'Assignment', title: 'three' },
    });
    const rest = await ok(LIST, { first: 2, after: page.me.notifications.pageInfo.endCursor }, s.token);
    expect(rest.me.notifications.edges.map((e: any) => e.node.body)).toEqual(['"one" was added.']);

    const newest = page.me.notifications.edges[0].node.id;
    const marked = await ok(
      `mutation ($ids: [ID!]!) { markNotificationsRead(ids: $ids) { id read readAt } }`,
      { ids: [newest] },
      s.token,
    );
    expect(marked.markNotificationsRead).toEqual([{ id: newest, read: true, readAt: app.clock.now.toISOString() }]);
    const unread = await ok(LIST, { first: 10, unreadOnly: true }, s.token);
    expect(unread.me.unreadCount).toBe(2);
    expect(unread.me.notifications.totalCount).toBe(2);

    const del = await ok(
      `mutation ($id: ID!) { deleteNotification(id: $id) { deletedId deletionId } }`,
      { id: newest },
      s.token,
    );
    expect(del.deleteNotification.deletedId).toBe(newest);
    const all = await ok(`mutation { markAllNotificationsRead { markedCount } }`, {}, s.token);
    expect(all.markAllNotificationsRead.markedCount).toBe(2);
    const after = await ok(LIST, { first: 10 }, s.token);
    expect(after.me).toMatchObject({ unreadCount: 0, notifications: { totalCount: 2 } });
  });

  it('answers NOT_FOUND for another student’s notification ids and then changes nothing (stranger walk)', async () => {
    const me = await student();
    const other = await student();
    for (const s of [me, other]) {
      await ok(
        `mutation ($input: CreateAssignmentInput!) { createAssignment(input: $input) { id } }`,
        { input: { courseId: globalId('Course', s.course.id), title: 'x', dueAt: at(600).toISOString() } },
        s.token,
      );
    }
    const mine = (await ok(LIST, { first: 1 }, me.token)).me.notifications.edges[0].node.id;
    const theirs = (await ok(LIST, { first: 1 }, other.token)).me.notifications.edges[0].node.id;
    const walks = [
      [`mutation ($ids: [ID!]!) { markNotificationsRead(ids: $ids) { id } }`, { ids: [mine, theirs] }],
      [`mutation ($ids: [ID!]!) { markNotificationsRead(ids: $ids) { id } }`, { ids: [theirs] }],
      [`mutation ($id: ID!) { deleteNotification(id: $id) { deletedId } }`, { id: theirs }],
      [
        `mutation ($ids: [ID!]!) { markNotificationsRead(ids: $ids) { id } }`,
        { ids: [globalId('Notification', 'not-a-uuid')] },
      ],
    ] as const;
    for (const [query, variables] of walks) {
      const res = await app.gql(query, variables, me.token);
      expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
    expect((await app.gql(`query ($id: ID!) { node(id: $id) { id } }`, { id: theirs }, me.token)).data).toEqual({
      node: null,
    });
    expect((await ok(LIST, {}, me.token)).me.unreadCount).toBe(1);
    expect((await ok(LIST, {}, other.token)).me).toMatchObject({ unreadCount: 1, notifications: { totalCount: 1 } });
  });
});

describe('notification preferences', () => {
  const PREFS = `{ inAppEnabled emailEnabled pushEnabled reminderLeadMinutes quietHours { start end } dailyDigestEnabled timezone }`;
  const UPDATE = `mutation ($input: UpdateNotificationPreferencesInput!) { updateNotificationPreferences(input: $input) ${PREFS} }`;

  it('reads the defaults and changes what is given', async () => {
    const s = await student({ timezone: 'Asia/Kolkata' });
    expect((await ok(`{ notificationPreferences ${PREFS} }`, {}, s.token)).notificationPreferences).toEqual({
      inAppEnabled: true,
      emailEnabled: true,
      pushEnabled: true,
      reminderLeadMinutes: 60,
      quietHours: null,
      dailyDigestEnabled: false,
      timezone: 'Asia/Kolkata',
    });
    const updated = await ok(
      UPDATE,
      { input: { emailEnabled: false, reminderLeadMinutes: 5, quietHours: { start: '23:30', end: '06:15' } } },
      s.token,
    );
    expect(updated.updateNotificationPreferences).toMatchObject({
      emailEnabled: false,
      reminderLeadMinutes: 5,
      quietHours: { start: '23:30', end: '06:15' },
    });
    const cleared = await ok(UPDATE, { input: { quietHours: null, reminderLeadMinutes: 10080 } }, s.token);
    expect(cleared.updateNotificationPreferences).toMatchObject({ quietHours: null, reminderLeadMinutes: 10080 });
  });

  it('rejects invalid values with BAD_USER_INPUT and changes nothing', async () => {
    const s = await student();
    await ok(UPDATE, { input: { pushEnabled: false } }, s.token);
    const before = (await ok(`{ notificationPreferences ${PREFS} }`, {}, s.token)).notificationPreferences;
    const invalid = [
      { reminderLeadMinutes: 4, emailEnabled: false },
      { reminderLeadMinutes: 10081 },
      { quietHours: { start: '25:00', end: '07:00' }, pushEnabled: true },
      { quietHours: { start: '7:00', end: '08:00' } },
      { quietHours: { start: '22:00', end: '22:00' } },
      { inAppEnabled: null },
      {},
    ];
    for (const input of invalid) {
      const res = await app.gql(UPDATE, { input }, s.token);
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect((await ok(`{ notificationPreferences ${PREFS} }`, {}, s.token)).notificationPreferences).toEqual(before);
  });
});

describe('jobs', () => {
  it('lets an admin run a job and list its runs; students may not', async () => {
    const admin = await student({ role: 'ADMIN' });
    const s = await student();
    const ran = await ok(`mutation { runJob(name: "reminders") { id job rowsTouched error result } }`, {}, admin.token);
    expect(ran.runJob).toMatchObject({ job: 'reminders', error: null });
    const runs = await ok(
      `{ jobRuns(job: "reminders", first: 5) { totalCount edges { node { id job report result } } } }`,
      {},
      admin.token,
    );
    const run = runs.jobRuns.edges.find((e: any) => e.node.id === ran.runJob.id)?.node;
    // The report as a JSON object; the deprecated result, the same as text.
    expect(run.report).toEqual(expect.objectContaining({ reminders: expect.any(Number) }));
    expect(JSON.parse(run.result)).toEqual(run.report);
    const unknown = await app.gql(`mutation { runJob(name: "nope") { id } }`, {}, admin.token);
    expect(unknown.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    for (const query of [`mutation { runJob(name: "reminders") { id } }`, `{ jobRuns(first: 1) { totalCount } }`]) {
      expect((await app.gql(query, {}, s.token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });

  it('records a job that throws, and keeps running the others', async () => {
    const logger = createLogger('silent');
    let calls = 0;
    const scheduler = new JobScheduler({
      db: app.db,
      logger,
      now: () => new Date(app.clock.now),
      jobs: [
        { name: 'failing-test-job', schedule: '* * * * * *', run: async () => Promise.reject(new Error('boom')) },
        {
          name: 'fine-test-job',
          schedule: '* * * * * *',
          run: async () => {
            calls += 1;
            return { rowsTouched: 0 };
          },
        },
      ],
    });
    const failed = await scheduler.run('failing-test-job');
    expect(failed).toMatchObject({ job: 'failing-test-job', error: 'boom', rowsTouched: 0 });
    expect(await scheduler.run('fine-test-job')).toMatchObject({ error: null });
    // On its schedule (every second here): the failing job is retried each tick, the other still runs.
    scheduler.start();
    const seen = calls;
    while (calls < seen + 1) await new Promise<void>((resolve) => setTimeout(resolve, 100));
    await scheduler.stop();
    expect(await app.db.jobRun.count({ where: { job: 'failing-test-job', error: 'boom' } })).toBeGreaterThanOrEqual(2);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, globalId, type GraphQLResponse, type TestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { createCourse, createUser } from './helpers/factories.js';
import { startTestRedis, type TestRedis } from './helpers/redis.js';
import { sseSubscribe, wsSubscribe, type Subscription } from '../tools/clients/subscriptions.js';
import { hostPort, startProxy, type FaultProxy } from '../tools/faults/proxy.js';

const RESUME = `subscription ($after: SyncCursor, $courseId: ID) {
  taskUpdates(after: $after, courseId: $courseId) { cursor eventId change kind taskId task { __typename title } }
}`;
const CREATE = 'mutation ($input: CreateAssignmentInput!) { createAssignment(input: $input) { id } }';
const UPDATE = 'mutation ($id: ID!, $title: String!) { updateAssignment(id: $id, input: { title: $title }) { id } }';

interface Update {
  cursor: string | null;
  eventId: string;
  change: string;
  kind: string;
  taskId: string;
  task: { __typename: string; title: string } | null;
}

async function student(app: TestApp) {
  const user = await createUser(app.db);
  const course = await createCourse(app.db, user.id);
  return { user, course, token: await app.tokens.issue(user.id) };
}

async function ok(app: TestApp, query: string, variables: Record<string, unknown>, token: string) {
  const res = await app.gql(query, variables, token);
  expect(res.errors).toBeUndefined();
  await app.bus.idle();
  return res.data!;
}

async function createTask(app: TestApp, s: { course: { id: string }; token: string }, title: string) {
  const data = await ok(
    app,
    CREATE,
    { input: { courseId: globalId('Course', s.course.id), title, dueAt: '2027-03-01T10:00:00Z' } },
    s.token,
  );
  return (data as { createAssignment: { id: string } }).createAssignment.id;
}

/** A cursor at "now": the end of a (full) sync. */
async function cursorNow(app: TestApp, token: string): Promise<string> {
  for (let since: string | null = null; ;) {
    const res: GraphQLResponse<{ changes: { cursor: string; hasMore: boolean; caughtUp: boolean } }> = await app.gql(
      'query ($since: SyncCursor) { changes(since: $since, first: 500) { cursor hasMore caughtUp } }',
      { since },
      token,
    );
    expect(res.errors).toBeUndefined();
    const page = res.data!.changes;
    if (!page.hasMore && page.caughtUp) return page.cursor;
    since = page.cursor;
  }
}

async function take(sub: Subscription, n: number): Promise<Update[]> {
  const out: Update[] = [];
  for (let i = 0; i < n; i++) {
    const m = await sub.next();
    expect(m.errors).toBeUndefined();
    out.push(m.data.taskUpdates as Update);
  }
  return out;
}

describe('taskUpdates(after:) on one server', () => {
  let app: TestApp;
  let url: string;
  beforeAll(async () => {
    app = await createTestApp();
    url = await app.server.listen(0, '127.0.0.1');
  });
  afterAll(() => app?.close());

  it('replays exactly the 10 updates missed while disconnected, then goes live, with no gap and no duplicate', async () => {
    const s = await student(app);
    const start = await cursorNow(app, s.token);
    const first = await wsSubscribe(url, s.token, RESUME, { after: start });
    let last: Update | undefined;
    const taskId = await createTask(app, s, 'Essay');
    try {
      [last] = await take(first, 1);
      expect(last).toMatchObject({ change: 'CREATED', taskId, task: { title: 'Essay' } });
      expect(last!.cursor).toEqual(expect.any(String));
    } finally {
      await first.close();
    }

    // Offline: ten updates nobody hears.
    for (let i = 1; i <= 10; i++) await ok(app, UPDATE, { id: taskId, title: `Essay v${i}` }, s.token);

    const resumed = await wsSubscribe(url, s.token, RESUME, { after: last!.cursor });
    try {
      const replay = await take(resumed, 10);
      expect(replay.map((u) => u.change)).toEqual(Array(10).fill('UPDATED'));
      expect(replay.every((u) => u.taskId === taskId)).toBe(true);
      expect(new Set(replay.map((u) => u.cursor)).size).toBe(10);
      expect(replay.map((u) => u.cursor)).not.toContain(last!.cursor);

      // Live from here: the next messages are exactly the next changes.
      await ok(app, UPDATE, { id: taskId, title: 'Essay live 1' }, s.token);
      await ok(app, UPDATE, { id: taskId, title: 'Essay live 2' }, s.token);
      const live = await take(resumed, 2);
      expect(live.map((u) => u.change)).toEqual(['UPDATED', 'UPDATED']);
      expect(new Set([...replay, ...live].map((u) => u.cursor)).size).toBe(12);
      await ok(app, 'mutation ($id: ID!) { completeAssignment(id: $id) { id } }', { id: taskId }, s.token);
      expect((await take(resumed, 1))[0]!.change).toBe('COMPLETED');

      // Resuming from the fifth replayed message replays the rest, the live ones included.
      const again = await wsSubscribe(url, s.token, RESUME, { after: replay[4]!.cursor });
      try {
        const rest = await take(again, 8);
        expect(rest.slice(0, 7).map((u) => u.cursor)).toEqual([...replay.slice(5), ...live].map((u) => u.cursor));
        expect(rest[7]!.change).toBe('COMPLETED');
      } finally {
        await again.close();
      }
    } finally {
      await resumed.close();
    }
  });

  it('resumes over SSE, only the own changes, filtered by course', async () => {
    const s = await student(app);
    const other = await student(app);
    const start = await cursorNow(app, s.token);
    const elsewhere = await createCourse(app.db, s.user.id);
    await createTask(app, other, 'not mine');
    await createTask(app, s, 'missed 1');
    await createTask(app, { course: elsewhere, token: s.token }, 'other course');
    await createTask(app, s, 'missed 2');
    const sub = await sseSubscribe(
      (path, init) => fetch(url.replace('/graphql', path), init),
      s.token,
      `subscription { taskUpdates(after: "${start}", courseId: "${globalId('Course', s.course.id)}") { cursor change task { title } } }`,
    );
    try {
      expect(sub.status).toBe(200);
      const a = await sub.next();
      const b = await sub.next();
      expect([a, b].map((m) => m.data.taskUpdates.task.title)).toEqual(['missed 1', 'missed 2']);
      const pending = sub.next();
      await createTask(app, s, 'live over sse');
      expect((await pending).data.taskUpdates.task.title).toBe('live over sse');
    } finally {
      await sub.close();
    }
  });

  it('refuses a bad cursor and an expired one as the subscription starts', async () => {
    const s = await student(app);
    const bad = await wsSubscribe(url, s.token, RESUME, { after: 'not-a-cursor' });
    try {
      expect((await bad.next()).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    } finally {
      await bad.close();
    }
    const start = await cursorNow(app, s.token);
    await createTask(app, s, 'soon pruned');
    await app.db
      .$executeRaw`UPDATE "SyncHorizon" SET "xid" = pg_snapshot_xmin(pg_current_snapshot()), "seq" = 0 WHERE "id" = 1`;
    const expired = await wsSubscribe(url, s.token, RESUME, { after: start });
    try {
      expect((await expired.next()).errors[0].extensions.code).toBe('SYNC_CURSOR_EXPIRED');
    } finally {
      await expired.close();
      await app.db.$executeRaw`UPDATE "SyncHorizon" SET "xid" = '0'::xid8, "seq" = 0 WHERE "id" = 1`;
    }
  });

  it('notifications(after:) replays the in-app notifications written since the cursor, then live ones, each with its streamCursor', async () => {
    const s = await student(app);
    const start = await cursorNow(app, s.token);
    await createTask(app, s, 'First');
    await createTask(app, s, 'Second');
    const written = await app.db.notification.findMany({
      where: { userId: s.user.id, channel: 'IN_APP' },
      orderBy: { createdAt: 'asc' },
    });
    expect(written.length).toBeGreaterThanOrEqual(2);
    const sub = await wsSubscribe(
      url,
      s.token,
      'subscription ($after: SyncCursor) { notifications(after: $after) { id title streamCursor } }',
      { after: start },
    );
    try {
      const replay = [];
      for (let i = 0; i < written.length; i++) replay.push((await sub.next()).data.notifications);
      expect(replay.map((n) => n.id).sort()).toEqual(written.map((n) => globalId('Notification', n.id)).sort());
      expect(replay.every((n) => typeof n.streamCursor === 'string')).toBe(true);
      await createTask(app, s, 'Third');
      const live = (await sub.next()).data.notifications;
      const now = await app.db.notification.findMany({ where: { userId: s.user.id, channel: 'IN_APP' } });
      const fresh = now.filter((n) => !written.some((w) => w.id === n.id));
      expect(fresh).toHaveLength(1);
      expect(live.id).toBe(globalId('Notification', fresh[0]!.id));
      expect(live.streamCursor).toEqual(expect.any(String));
    } finally {
      await sub.close();
    }
  });
});

// Real Redis (REDIS_URL, else a redis-server of this suite's own), replica B behind a proxy the test cuts.
describe('taskUpdates(after:) across two replicas sharing Redis', () => {
  let redis: TestRedis;
  let proxy: FaultProxy;
  let database: TestDatabase;
  let replicaA: TestApp;
  let replicaB: TestApp;
  let urlA: string;
  beforeAll(async () => {
    redis = await startTestRedis();
    proxy = await startProxy(hostPort(redis.url));
    database = await createTestDatabase();
    replicaA = await createTestApp({ database, redisUrl: redis.url });
    replicaB = await createTestApp({ database, redisUrl: proxy.url(redis.url) });
    urlA = await replicaA.server.listen(0, '127.0.0.1');
    await until(replicaB, 'ready');
  });
  afterAll(async () => {
    await replicaA?.close();
    await replicaB?.close();
    await database?.drop();
    await proxy?.close();
    await redis?.stop();
  });

  async function until(app: TestApp, status: string) {
    for (;;) {
      const res = await app.fetch('/ready');
      if (((await res.json()) as { status: string }).status === status) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('a subscriber on A resumes the 10 updates made on B, then hears B live', async () => {
    const s = await student(replicaB);
    const start = await cursorNow(replicaB, s.token);
    const taskId = await createTask(replicaB, s, 'Shared');
    for (let i = 1; i <= 9; i++) await ok(replicaB, UPDATE, { id: taskId, title: `Shared v${i}` }, s.token);
    const sub = await wsSubscribe(urlA, s.token, RESUME, { after: start });
    try {
      const replay = await take(sub, 10);
      expect(replay.map((u) => u.change)).toEqual(['CREATED', ...Array(9).fill('UPDATED')]);
      await ok(replicaB, UPDATE, { id: taskId, title: 'Shared live' }, s.token);
      expect(await take(sub, 1)).toMatchObject([{ change: 'UPDATED', task: { title: 'Shared live' } }]);
    } finally {
      await sub.close();
    }
  });

  it("catches up after B's Redis was cut: what B published only locally reaches A's resumed subscriber", async () => {
    const s = await student(replicaB);
    const start = await cursorNow(replicaB, s.token);
    const sub = await wsSubscribe(urlA, s.token, RESUME, { after: start });
    try {
      await replicaA.subscribed('taskUpdates', s.user.id);
      proxy.cut();
      await until(replicaB, 'degraded');
      await createTask(replicaB, s, 'during the outage 1');
      await createTask(replicaB, s, 'during the outage 2');
      proxy.restore();
      await until(replicaB, 'ready');
      const missed = await take(sub, 2);
      expect(missed.map((u) => u.task?.title)).toEqual(['during the outage 1', 'during the outage 2']);
      await createTask(replicaB, s, 'after the outage');
      expect((await take(sub, 1))[0]!.task?.title).toBe('after the outage');
    } finally {
      await sub.close();
    }
  });
});

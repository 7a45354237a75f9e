import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, globalId, type TestApp } from './helpers/app.js';
import { createCourse, createUser } from './helpers/factories.js';
import { hostPort, startProxy, type FaultProxy } from '../tools/faults/proxy.js';
import { wsSubscribe } from '../tools/clients/subscriptions.js';

// Real Redis (the machine runs one at 127.0.0.1:6379; REDIS_URL overrides), behind a proxy the test cuts.
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CREATE = `mutation ($input: CreateAssignmentInput!) { createAssignment(input: $input) { id } }`;
const UPDATES = 'subscription { taskUpdates { change task { title } } }';

// An unhandled rejection is what took the process down: collect them and expect none.
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});
afterEach(() => {
  expect(unhandled).toEqual([]);
});

async function readyStatus(app: TestApp): Promise<{ httpStatus: number; status: string }> {
  const res = await app.fetch('/ready');
  return { httpStatus: res.status, status: ((await res.json()) as { status: string }).status };
}

/** Waits for /ready to say `status` (Redis reconnects on its own schedule). */
async function until(app: TestApp, status: string): Promise<void> {
  while ((await readyStatus(app)).status !== status) await new Promise((r) => setTimeout(r, 50));
}

async function student(app: TestApp) {
  const user = await createUser(app.db);
  const course = await createCourse(app.db, user.id);
  return { course, token: await app.tokens.issue(user.id) };
}

const create = (app: TestApp, s: { course: { id: string }; token: string }, title: string) =>
  app.gql(
    CREATE,
    { input: { courseId: globalId('Course', s.course.id), title, dueAt: '2027-02-01T10:00:00Z' } },
    s.token,
  );

describe('Redis outage', () => {
  let proxy: FaultProxy;
  let app: TestApp;
  let url: string;
  beforeAll(async () => {
    proxy = await startProxy(hostPort(REDIS_URL));
    app = await createTestApp({ redisUrl: proxy.url(REDIS_URL) });
    url = await app.server.listen(0, '127.0.0.1');
    await until(app, 'ready');
  });
  afterAll(async () => {
    await app?.close();
    await proxy?.close();
  });

  it('keeps serving with local fan-out, reports degraded, and uses Redis again once it is back', async () => {
    const s = await student(app);
    const sub = await wsSubscribe(url, s.token, UPDATES);
    try {
      proxy.cut();
      await until(app, 'degraded');
      expect(await readyStatus(app)).toEqual({ httpStatus: 200, status: 'degraded' });

      // A mutation and its live update while Redis is away: served, and heard on this replica.
      const during = await create(app, s, 'during the outage');
      expect(during.errors).toBeUndefined();
      await app.bus.idle();
      expect(await sub.next()).toEqual({
        data: { taskUpdates: { change: 'CREATED', task: { title: 'during the outage' } } },
      });

      // A new subscription while Redis is away does not fail either.
      const late = await wsSubscribe(url, s.token, UPDATES);
      await late.close();

      proxy.restore();
      await until(app, 'ready');
      const after = await create(app, s, 'after the outage');
      expect(after.errors).toBeUndefined();
      await app.bus.idle();
      expect(await sub.next()).toEqual({
        data: { taskUpdates: { change: 'CREATED', task: { title: 'after the outage' } } },
      });
    } finally {
      await sub.close();
    }
  });
});

describe('starting against a dead Redis', () => {
  it('starts, serves and reports degraded', async () => {
    const proxy = await startProxy(hostPort(REDIS_URL));
    proxy.cut();
    const app = await createTestApp({ redisUrl: proxy.url(REDIS_URL) });
    try {
      const url = await app.server.listen(0, '127.0.0.1');
      const s = await student(app);
      const sub = await wsSubscribe(url, s.token, UPDATES);
      try {
        expect((await create(app, s, 'no redis')).errors).toBeUndefined();
        await app.bus.idle();
        expect(await sub.next()).toEqual({ data: { taskUpdates: { change: 'CREATED', task: { title: 'no redis' } } } });
        expect(await readyStatus(app)).toEqual({ httpStatus: 200, status: 'degraded' });
      } finally {
        await sub.close();
      }
    } finally {
      await app.close();
      await proxy.close();
    }
  });
});

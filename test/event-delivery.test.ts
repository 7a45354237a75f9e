import { withDeleted } from '../src/db/soft-delete.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventBus } from '../src/events/bus.js';
import { type EventHandler } from '../src/events/handler.js';
import { recordEvent } from '../src/events/outbox.js';
import { pruneOutboxJob } from '../src/jobs/prune-outbox.js';
import { runJob } from '../src/jobs/runner.js';
import { createLogger } from '../src/observability/logger.js';
import { createTestApp, globalId, type TestApp } from './helpers/app.js';
import { createCourse, createUser } from './helpers/factories.js';

const logger = createLogger('silent');
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

/** A handler that counts how often it ran each event. */
function counter(name: string, eventTypes: EventHandler['eventTypes'] = ['user.updated']) {
  const runs = new Map<string, number>();
  const handler: EventHandler = {
    name,
    eventTypes,
    async handle(event) {
      runs.set(event.id, (runs.get(event.id) ?? 0) + 1);
    },
  };
  return { handler, runs };
}

const bus = (handlers: EventHandler[]) =>
  new EventBus({ db: app.db, logger, handlers, deps: {}, maxAttempts: 3, pollIntervalMs: 60_000, backoffMs: () => 0 });

async function writeEvents(n: number): Promise<string[]> {
  const user = await createUser(app.db);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(
      await recordEvent(app.db, {
        type: 'user.updated',
        payload: { userId: user.id, changed: ['firstName'] },
        userId: user.id,
      }),
    );
  }
  return ids;
}

describe('delivery guarantees', () => {
  it('delivers, once, an event written but never dispatched (a crash after commit)', async () => {
    const { handler, runs } = counter('crash-safety');
    const [id] = await writeEvents(1);
    // A new process starts: its bus finds the pending event.
    const restarted = bus([handler]);
    await restarted.runOnce();
    await restarted.runOnce();
    expect(runs.get(id!)).toBe(1);
    expect((await app.db.outboxEvent.findUniqueOrThrow({ where: { id: id! } })).processedAt).not.toBeNull();
  });

  it('two dispatchers on one database deliver each event exactly once', async () => {
    const { handler, runs } = counter('competing');
    const ids = await writeEvents(40);
    const a = bus([handler]);
    const b = bus([handler]);
    await Promise.all([a.runOnce(), b.runOnce(), a.runOnce(), b.runOnce()]);
    expect(ids.map((id) => runs.get(id))).toEqual(ids.map(() => 1));
  });

  it('a redelivery of a handled event does nothing', async () => {
    const { handler, runs } = counter('redelivery');
    const [id] = await writeEvents(1);
    await bus([handler]).runOnce();
    // Mark the event unprocessed again, as a replay would: its delivery already succeeded.
    await app.db.outboxEvent.update({ where: { id: id! }, data: { processedAt: null } });
    await bus([handler]).runOnce();
    expect(runs.get(id!)).toBe(1);
  });

  it('creates and claims new deliveries in one statement, at most batchSize at a time, the rest in later batches', async () => {
    let running = 0;
    let most = 0;
    const runs = new Map<string, number>();
    const handler = (name: string): EventHandler => ({
      name,
      eventTypes: ['user.updated'],
      async handle(event) {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setImmediate(resolve));
        running--;
        runs.set(`${name}:${event.id}`, (runs.get(`${name}:${event.id}`) ?? 0) + 1);
      },
    });
    const ids = await writeEvents(5);
    const small = new EventBus({
      db: app.db,
      logger,
      handlers: [handler('batch-a'), handler('batch-b')],
      deps: {},
      maxAttempts: 3,
      pollIntervalMs: 60_000,
      backoffMs: () => 0,
      batchSize: 3,
    });
    expect(await small.runOnce()).toBe(10);
    expect(most).toBe(3);
    expect(ids.flatMap((id) => [runs.get(`batch-a:${id}`), runs.get(`batch-b:${id}`)])).toEqual(
      ids.flatMap(() => [1, 1]),
    );
    const events = await app.db.outboxEvent.findMany({ where: { id: { in: ids } }, select: { processedAt: true } });
    expect(events.every((e) => e.processedAt !== null)).toBe(true);
  });
  it('a success recorded after its lease ran out does not settle the claim another dispatcher took since', async () => {
    const deferred = () => {
      let resolve = () => {};
      const promise = new Promise<void>((r) => (resolve = r));
      return { promise, resolve };
    };
    const gates = [deferred(), deferred()];
    const started = [deferred(), deferred()];
    let calls = 0;
    const handler: EventHandler = {
      name: 'late-mark',
      eventTypes: ['user.updated'],
      async handle() {
        const i = calls++;
        started[i]!.resolve();
        await gates[i]!.promise;
      },
    };
    const [id] = await writeEvents(1);
    const at = (ms: number) =>
      new EventBus({
        db: app.db,
        logger,
        handlers: [handler],
        deps: {},
        maxAttempts: 3,
        pollIntervalMs: 60_000,
        backoffMs: () => 0,
        leaseMs: 60_000,
        now: () => new Date(ms),
      });
    const first = at(Date.now()).runOnce();
    await started[0]!.promise;
    // A second dispatcher, past the first one's lease, takes the delivery again.
    const second = at(Date.now() + 10 * 60_000).runOnce();
    await started[1]!.promise;
    // The first one's handler ends now: its record must leave the second one's claim alone.
    gates[0]!.resolve();
    await first;
    const where = { eventId: id!, handler: 'late-mark' };
    expect(await app.db.eventDelivery.findFirstOrThrow({ where })).toMatchObject({ status: 'PENDING', attempts: 2 });
    gates[1]!.resolve();
    await second;
    expect(await app.db.eventDelivery.findFirstOrThrow({ where })).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
  });
});

describe('dead letters', () => {
  it('lists dead letters to an admin and runs one again on request', async () => {
    let fail = true;
    const flaky: EventHandler = {
      name: 'dead-letter-demo',
      eventTypes: ['user.updated'],
      async handle() {
        if (fail) throw new Error('smtp down');
      },
    };
    const [id] = await writeEvents(1);
    const b = bus([flaky]);
    for (let i = 0; i < 3; i++) await b.runOnce();
    const dead = await app.db.eventDelivery.findFirstOrThrow({ where: { eventId: id!, handler: 'dead-letter-demo' } });
    expect(dead).toMatchObject({ status: 'DEAD', attempts: 3, lastError: 'smtp down' });

    const admin = await createUser(app.db, { role: 'ADMIN' });
    const student = await createUser(app.db);
    const LIST = `{ deadLetters(first: 10, handler: "dead-letter-demo") { totalCount edges { node { id handler attempts lastError event { type data } } } } }`;
    const denied = await app.gql(LIST, {}, await app.tokens.issue(student.id));
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const listed = await app.gql(LIST, {}, await app.tokens.issue(admin.id));
    expect(listed.data!.deadLetters.edges).toContainEqual({
      node: {
        id: globalId('EventDelivery', dead.id),
        handler: 'dead-letter-demo',
        attempts: 3,
        lastError: 'smtp down',
        event: { type: 'user.updated', data: expect.objectContaining({ userId: expect.any(String) }) },
      },
    });
    // node(id) finds it for an admin only.
    const NODE = `query ($id: ID!) { node(id: $id) { ... on EventDelivery { handler } } }`;
    const gid = globalId('EventDelivery', dead.id);
    expect((await app.gql(NODE, { id: gid }, await app.tokens.issue(admin.id))).data!.node).toEqual({
      handler: 'dead-letter-demo',
    });
    expect((await app.gql(NODE, { id: gid }, await app.tokens.issue(student.id))).data!.node).toBeNull();

    fail = false;
    const adminToken = await app.tokens.issue(admin.id);
    const retried = await app.gql(
      `mutation ($id: ID!) { retryDeadLetter(id: $id) { status attempts } }`,
      { id: gid },
      adminToken,
    );
    expect(retried.data!.retryDeadLetter).toEqual({ status: 'PENDING', attempts: 0 });
    await b.runOnce();
    expect((await app.db.eventDelivery.findUniqueOrThrow({ where: { id: dead.id } })).status).toBe('SUCCEEDED');

    // The raw uuid deadLetters gave before its ids were global is still accepted.
    const again = await app.gql(
      `mutation ($id: ID!) { retryDeadLetter(id: $id) { status } }`,
      { id: dead.id },
      adminToken,
    );
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });
});

describe('task event handlers', () => {
  it('create one in-app notification per task event, unless the user turned them off', async () => {
    const user = await createUser(app.db);
    const muted = await createUser(app.db);
    await app.db.notificationPreference.create({ data: { userId: muted.id, inAppEnabled: false } });
    for (const u of [user, muted]) {
      const course = await createCourse(app.db, u.id);
      const res = await app.gql(
        'mutation ($input: CreateAssignmentInput!) { createAssignment(input: $input) { id } }',
        { input: { courseId: globalId('Course', course.id), title: 'Essay', dueAt: '2027-03-01T10:00:00Z' } },
        await app.tokens.issue(u.id),
      );
      expect(res.errors).toBeUndefined();
    }
    await app.bus.idle();
    const rows = await app.db.notification.findMany({ where: { userId: { in: [user.id, muted.id] } } });
    expect(rows.map((n) => ({ userId: n.userId, kind: n.kind, title: n.title, body: n.body }))).toEqual([
      { userId: user.id, kind: 'assignment.created', title: 'Assignment added', body: '"Essay" was added.' },
    ]);
  });
});

describe('outbox retention', () => {
  it('prunes processed events past retention, keeping recent ones and dead letters', async () => {
    const { handler } = counter('prune-demo');
    const failing: EventHandler = {
      name: 'prune-dead',
      eventTypes: ['user.onboarded'],
      handle: async () => Promise.reject(new Error('no')),
    };
    const old = await writeEvents(2);
    const user = await createUser(app.db);
    const deadId = await recordEvent(app.db, { type: 'user.onboarded', payload: { userId: user.id }, userId: user.id });
    const b = bus([handler, failing]);
    for (let i = 0; i < 3; i++) await b.runOnce();
    const recent = await writeEvents(1);
    await b.runOnce();

    const inTenDays = new Date(Date.now() + 10 * 86_400_000);
    await app.db.outboxEvent.updateMany({ where: { id: { in: recent } }, data: { processedAt: inTenDays } });
    const run = await runJob({ db: app.db, logger }, pruneOutboxJob({ retentionDays: 7 }), () => inTenDays);
    expect(run?.error).toBeNull();
    expect((run?.result as { pruned: number }).pruned).toBeGreaterThanOrEqual(2);
    const left = await app.db.outboxEvent.findMany({
      where: { id: { in: [...old, deadId, ...recent] } },
      select: { id: true },
    });
    expect(left.map((e) => e.id).sort()).toEqual([deadId, ...recent].sort());
    expect(await app.db.eventDelivery.count({ where: { eventId: { in: old } } })).toBe(0);
  });
});

describe('purge of soft-deleted rows', () => {
  it('hard-deletes rows deleted before the retention period, children first, and keeps the rest', async () => {
    const { purgeDeletedJob } = await import('../src/jobs/purge-deleted.js');
    const user = await createUser(app.db);
    const old = await createCourse(app.db, user.id);
    const recent = await createCourse(app.db, user.id);
    const live = await createCourse(app.db, user.id);
    const oldTask = await app.db.assignment.create({
      data: { userId: user.id, courseId: old.id, title: 'old', dueAt: new Date('2026-01-01T00:00:00Z') },
    });
    const liveTask = await app.db.assignment.create({
      data: { userId: user.id, courseId: live.id, title: 'live', dueAt: new Date('2026-01-01T00:00:00Z') },
    });
    const longAgo = new Date(Date.now() - 40 * 86_400_000);
    await app.db.assignment.deleteMany({ where: { courseId: old.id }, now: longAgo });
    await app.db.course.delete({ where: { id: old.id }, now: longAgo });
    await app.db.course.delete({ where: { id: recent.id } });

    const run = await runJob({ db: app.db, logger }, purgeDeletedJob({ retentionDays: 30 }));
    expect(run?.result).toMatchObject({ purged: { Assignment: expect.any(Number), Course: expect.any(Number) } });
    expect(await app.db.course.findMany({ where: withDeleted({ userId: user.id }), select: { id: true } })).toEqual(
      expect.arrayContaining([{ id: recent.id }, { id: live.id }]),
    );
    expect(await app.db.course.count({ where: withDeleted({ id: old.id }) })).toBe(0);
    expect(await app.db.assignment.count({ where: withDeleted({ id: oldTask.id }) })).toBe(0);
    expect(await app.db.assignment.count({ where: { id: liveTask.id } })).toBe(1);
  });
});

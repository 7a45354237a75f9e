import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrisma, type Db } from '../src/db/client.js';
import { EventBus } from '../src/events/bus.js';
import { type EventHandler } from '../src/events/handler.js';
import { sendWelcomeEmail } from '../src/events/handlers/send-welcome-email.js';
import { recordEvent } from '../src/events/outbox.js';
import { createSmtpMailer, smtpTimeoutsFor, type MailMessage } from '../src/mail/mailer.js';
import { createLogger } from '../src/observability/logger.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { createUser } from './helpers/factories.js';
import { hostPort, startProxy, type FaultProxy } from '../tools/faults/proxy.js';
import { startFakeSmtp } from '../tools/faults/smtp.js';

const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
let database: TestDatabase;
let proxy: FaultProxy;
/** The bus's own client, through the proxy: the database "goes away" for it alone. */
let viaProxy: Db;
beforeAll(async () => {
  database = await createTestDatabase();
  proxy = await startProxy(hostPort(database.url));
  viaProxy = createPrisma({ url: proxy.url(database.url), poolSize: 2 });
});
afterAll(async () => {
  await viaProxy?.$disconnect();
  await proxy?.close();
  await database?.drop();
});

async function newUserEvent(): Promise<{ eventId: string; email: string }> {
  const user = await createUser(database.db);
  const eventId = await recordEvent(database.db, {
    type: 'user.created',
    payload: { userId: user.id },
    userId: user.id,
  });
  return { eventId, email: user.email };
}

async function userCreated(): Promise<string> {
  return (await newUserEvent()).eventId;
}

describe('effects once', () => {
  /** A bus whose clock the test moves past the lease; on the proxied client unless `db` is given. */
  function busWith(
    handlers: EventHandler<{ mailer: { send(m: MailMessage): Promise<void> } }>[],
    mailer: { send(m: MailMessage): Promise<void> },
    db: Db = viaProxy,
    handlerTimeoutMs = 5_000,
  ) {
    const clock = { now: Date.now() };
    const bus = new EventBus({
      db,
      logger,
      handlers,
      deps: { mailer },
      maxAttempts: 5,
      pollIntervalMs: 60_000,
      backoffMs: () => 0,
      leaseMs: 20_000,
      handlerTimeoutMs,
      now: () => new Date(clock.now),
    });
    return { bus, clock };
  }

  it('a database cut right after a handler ran does not run it again (its success is recorded on its own, retried)', async () => {
    const runs: string[] = [];
    let cut: Promise<void> | null = null;
    // The effect happens, then the database is away for 300 ms: exactly when the success is recorded.
    const effect: EventHandler = {
      name: 'effect-then-cut',
      eventTypes: ['user.created'],
      async handle(event) {
        runs.push(event.id);
        cut ??= proxy.cutFor(300);
      },
    };
    const { bus, clock } = busWith([effect], { send: async () => {} });
    const id = await userCreated();
    await bus.runOnce().catch(() => {});
    await cut;
    // Long after the lease: a dispatcher would now re-run whatever was not recorded.
    clock.now += 10 * 60_000;
    await bus.runOnce();
    expect(runs).toEqual([id]);
    const delivery = await database.db.eventDelivery.findFirstOrThrow({
      where: { eventId: id, handler: 'effect-then-cut' },
    });
    expect(delivery.status).toBe('SUCCEEDED');
  });

  it('a welcome email is sent at most once, even when the process dies mid-send', async () => {
    const sent: MailMessage[] = [];
    // The first dispatcher "dies" while the mail is on its way: its send never returns.
    const dying = busWith(
      [sendWelcomeEmail],
      {
        send: (message) => {
          sent.push(message);
          return new Promise<void>(() => {});
        },
      },
      database.db,
      1_000,
    );
    const id = await userCreated();
    const dyingRun = dying.bus.runOnce();
    while (sent.length === 0) await new Promise((r) => setImmediate(r));
    // A second dispatcher, long after the first one's lease.
    const next = busWith([sendWelcomeEmail], { send: async (message) => void sent.push(message) }, database.db);
    next.clock.now += 10 * 60_000;
    await next.bus.runOnce();
    expect(sent).toHaveLength(1);
    const delivery = await database.db.eventDelivery.findFirstOrThrow({
      where: { eventId: id, handler: 'send-welcome-email' },
    });
    expect(delivery.status).toBe('SUCCEEDED');
    // The "dead" dispatcher's send times out in the end: the mail may have gone, so it is never retried.
    await dyingRun;
    const settled = await database.db.eventDelivery.findFirstOrThrow({
      where: { eventId: id, handler: 'send-welcome-email' },
    });
    expect(settled.status).toBe('DEAD');
    expect(sent).toHaveLength(1);
  });

  it('a welcome email whose send failed is retried and sent once', async () => {
    const sent: MailMessage[] = [];
    let failures = 1;
    const { bus } = busWith(
      [sendWelcomeEmail],
      {
        async send(message) {
          if (failures-- > 0) throw new Error('421 try again later');
          sent.push(message);
        },
      },
      database.db,
    );
    const id = await userCreated();
    await bus.runOnce();
    const failed = await database.db.eventDelivery.findFirstOrThrow({
      where: { eventId: id, handler: 'send-welcome-email' },
    });
    expect(failed).toMatchObject({ status: 'PENDING', lastError: '421 try again later' });
    await bus.runOnce();
    expect(sent).toHaveLength(1);
  });
});

describe('SMTP failures', () => {
  /** Short SMTP timeouts, well inside the bus's 5 s handler timeout (the greeting's shorter than silence's, as in smtpTimeoutsFor). */
  const quick = { connectionTimeoutMs: 1_000, greetingTimeoutMs: 300, socketTimeoutMs: 600 };
  function welcomeBus(mailer: { send(m: MailMessage): Promise<void> }) {
    return new EventBus({
      db: database.db,
      logger,
      handlers: [sendWelcomeEmail],
      deps: { mailer },
      maxAttempts: 5,
      pollIntervalMs: 60_000,
      backoffMs: () => 0,
      handlerTimeoutMs: 5_000,
    });
  }

  it('the SMTP timeouts derived from the handler timeout are shorter than it', () => {
    for (const handlerMs of [100, 5_000, 30_000, 120_000]) {
      const t = smtpTimeoutsFor(handlerMs);
      expect(Math.max(t.connectionTimeoutMs + t.greetingTimeoutMs, t.socketTimeoutMs)).toBeLessThan(handlerMs);
    }
  });

  it('a mail server that never greets fails the send within the transport’s greeting timeout, and the mail is retried and sent once', async () => {
    const smtp = await startFakeSmtp();
    try {
      smtp.mode = 'hang';
      const bus = welcomeBus(createSmtpMailer(smtp.url, 'planner@example.com', quick));
      const { eventId, email } = await newUserEvent();
      await bus.runOnce();
      const failed = await database.db.eventDelivery.findFirstOrThrow({
        where: { eventId, handler: 'send-welcome-email' },
      });
      // Not the handler timeout: the transport's own, so nothing was sent and a retry is safe.
      expect(failed).toMatchObject({ status: 'PENDING', lastError: 'Greeting never received' });
      smtp.mode = 'ok';
      await bus.runOnce();
      expect(smtp.recipients.filter((to) => to === email)).toHaveLength(1);
      const sent = await database.db.eventDelivery.findFirstOrThrow({
        where: { eventId, handler: 'send-welcome-email' },
      });
      expect(sent.status).toBe('SUCCEEDED');
    } finally {
      await smtp.close();
    }
  });

  it('a mail whose DATA went unanswered is dead-lettered with that reason and never sent again', async () => {
    const smtp = await startFakeSmtp();
    try {
      smtp.mode = 'silent-after-data';
      const bus = welcomeBus(createSmtpMailer(smtp.url, 'planner@example.com', quick));
      const { eventId, email } = await newUserEvent();
      await bus.runOnce();
      expect(smtp.unanswered).toContain(email);
      const dead = await database.db.eventDelivery.findFirstOrThrow({
        where: { eventId, handler: 'send-welcome-email' },
      });
      expect(dead.status).toBe('DEAD');
      expect(dead.lastError).toMatch(/may have been accepted.*not retried \(at most once\)/);
      smtp.mode = 'ok';
      await bus.runOnce();
      expect(smtp.recipients).not.toContain(email);
    } finally {
      await smtp.close();
    }
  });
});

describe('handler timeout', () => {
  it('a hanging handler fails after its timeout and does not hold the other deliveries', async () => {
    const ran: string[] = [];
    const hanging: EventHandler = {
      name: 'hangs-forever',
      eventTypes: ['user.created'],
      handle: () => new Promise(() => {}),
    };
    const quick: EventHandler = {
      name: 'quick',
      eventTypes: ['user.created'],
      async handle(event) {
        ran.push(event.id);
      },
    };
    const bus = new EventBus({
      db: database.db,
      logger,
      handlers: [hanging, quick],
      deps: {},
      maxAttempts: 5,
      pollIntervalMs: 60_000,
      backoffMs: () => 60_000,
      handlerTimeoutMs: 200,
    });
    const id = await userCreated();
    await bus.runOnce();
    expect(ran).toEqual([id]);
    const stuck = await database.db.eventDelivery.findFirstOrThrow({
      where: { eventId: id, handler: 'hangs-forever' },
    });
    expect(stuck).toMatchObject({ status: 'PENDING', lastError: 'handler timed out after 200 ms' });
    const done = await database.db.eventDelivery.findFirstOrThrow({ where: { eventId: id, handler: 'quick' } });
    expect(done.status).toBe('SUCCEEDED');
  });

  it('one hanging send does not hold back the next deliveries of the same handler', async () => {
    const sent: string[] = [];
    let onSent: () => void = () => {};
    let hangStarted: () => void = () => {};
    const hanging = new Promise<void>((resolve) => (hangStarted = resolve));
    let release: () => void = () => {};
    let first = true;
    const mailer = {
      send(message: MailMessage): Promise<void> {
        if (first) {
          first = false;
          hangStarted();
          // Longer than the test may run: only `release` ends it.
          return new Promise<void>((resolve) => (release = resolve));
        }
        sent.push(message.to);
        onSent();
        return Promise.resolve();
      },
    };
    const bus = new EventBus({
      db: database.db,
      logger,
      handlers: [sendWelcomeEmail],
      deps: { mailer },
      maxAttempts: 5,
      pollIntervalMs: 60_000,
      backoffMs: () => 60_000,
      handlerTimeoutMs: 120_000,
    });
    await userCreated();
    bus.start();
    try {
      await hanging;
      const { email } = await newUserEvent();
      const delivered = new Promise<void>((resolve) => {
        onSent = () => sent.includes(email) && resolve();
        onSent();
      });
      bus.notify();
      await delivered;
      expect(sent).toContain(email);
    } finally {
      release();
      await bus.stop();
    }
  });

  it('while a handler hangs, the running bus goes on delivering the other handlers’ events', async () => {
    const handled: string[] = [];
    let onHandled: (id: string) => void = () => {};
    const hanging: EventHandler = {
      name: 'hangs-in-background',
      eventTypes: ['user.created'],
      handle: () => new Promise(() => {}),
    };
    const quick: EventHandler = {
      name: 'quick-in-background',
      eventTypes: ['user.created'],
      async handle(event) {
        handled.push(event.id);
        onHandled(event.id);
      },
    };
    const bus = new EventBus({
      db: database.db,
      logger,
      handlers: [hanging, quick],
      deps: {},
      maxAttempts: 5,
      pollIntervalMs: 60_000,
      backoffMs: () => 60_000,
      handlerTimeoutMs: 3_000,
    });
    const handledNow = (id: string) =>
      new Promise<void>((resolve) => {
        if (handled.includes(id)) resolve();
        else onHandled = (got) => got === id && resolve();
      });
    bus.start();
    const first = await userCreated();
    let second = '';
    try {
      bus.notify();
      await handledNow(first);
      // A later event, while the first one's hanging delivery still runs.
      second = await userCreated();
      bus.notify();
      await handledNow(second);
      // The hanging delivery of the first event has not even timed out yet.
      const stuck = await database.db.eventDelivery.findFirstOrThrow({
        where: { eventId: first, handler: 'hangs-in-background' },
      });
      expect(stuck.lastError).toBeNull();
    } finally {
      await bus.stop();
    }
    expect(handled).toEqual(expect.arrayContaining([first, second]));
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrisma, type Db } from '../src/db/client.js';
import { EventBus, type EventHandler } from '../src/events/bus.js';
import { sendWelcomeEmail } from '../src/events/handlers/send-welcome-email.js';
import { recordEvent } from '../src/events/outbox.js';
import { MemoryMailer, type MailMessage } from '../src/mail/mailer.js';
import { createLogger } from '../src/observability/logger.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { createUser } from './helpers/factories.js';
import { hostPort, startProxy, type FaultProxy } from '../tools/faults/proxy.js';

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

async function userCreated(): Promise<string> {
  const user = await createUser(database.db);
  return recordEvent(database.db, { type: 'user.created', payload: { userId: user.id }, userId: user.id });
}

describe('effects once', () => {
  it('a database cut right after the welcome email went out does not send it again', async () => {
    const sent: MailMessage[] = [];
    const mailer = new MemoryMailer();
    // The mail goes out, then the database is away for 300 ms: exactly when the success is recorded.
    let cut: Promise<void> | null = null;
    const cuttingMailer = {
      async send(message: MailMessage) {
        sent.push(message);
        await mailer.send(message);
        cut ??= proxy.cutFor(300);
      },
    };
    const clock = { now: Date.now() };
    const bus = new EventBus({
      db: viaProxy,
      logger,
      handlers: [sendWelcomeEmail],
      deps: { mailer: cuttingMailer },
      maxAttempts: 5,
      pollIntervalMs: 60_000,
      backoffMs: () => 0,
      leaseMs: 1_000,
      now: () => new Date(clock.now),
    });
    const id = await userCreated();
    await bus.runOnce().catch(() => {});
    await cut;
    // Long after the lease: a dispatcher would now re-run whatever was not recorded.
    clock.now += 10 * 60_000;
    await bus.runOnce();
    expect(sent).toHaveLength(1);
    const delivery = await database.db.eventDelivery.findFirstOrThrow({
      where: { eventId: id, handler: 'send-welcome-email' },
    });
    expect(delivery.status).toBe('SUCCEEDED');
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
});

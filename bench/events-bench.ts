/**
 * npm run bench:events: the event path's cost and speed, on its own database (sp_bench_events on
 * the server of DATABASE_URL, else the local PostgreSQL; dropped after).
 */
import { performance } from 'node:perf_hooks';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createPrisma, type Db } from '../src/db/client.js';
import { EventBus, type EventHandler } from '../src/events/bus.js';
import { handlers, type HandlerDeps } from '../src/events/handlers/index.js';
import { MemoryMailer } from '../src/mail/mailer.js';
import { createLogger } from '../src/observability/logger.js';
import { createLiveUpdates } from '../src/server/live-updates.js';
import { wsSubscribe } from '../tools/clients/subscriptions.js';
import { commandLine, markdownTable, percentile, scratchDatabase } from './common.js';

const cli = commandLine(`
npm run bench:events [-- options]: the event path on its own database (sp_bench_events)
  1. mutation latency (createAssignment over HTTP), with no handlers and with all handlers;
  2. events dispatched per second by one bus (a no-op handler);
  3. time from a mutation's commit to a graphql-ws subscriber receiving the update.

  --n <count>       mutations per measurement (default 300)
  --events <count>  events for the dispatch measurement (default 5000)
  --help            this text`);
const N = cli.number('n', 300);
const EVENTS = cli.number('events', 5000);
const ms = (x: number) => `${x.toFixed(2)} ms`;
const p50p99 = (xs: number[]) => `${ms(percentile(xs, 50))} / ${ms(percentile(xs, 99))}`;

async function setup(db: Db, databaseUrl: string, handlerList: EventHandler<HandlerDeps>[]) {
  const logger = createLogger('silent');
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-00',
    JWT_EXPIRES_IN: '1h',
    MAIL_TRANSPORT: 'log',
    RATE_LIMITS: 'false',
    EVENT_MAX_ATTEMPTS: '3',
    EVENT_POLL_INTERVAL_MS: '60000',
    HOST: '127.0.0.1',
    PORT: '0',
  });
  const app = buildApp({ config, db, logger, mailer: new MemoryMailer(), handlers: handlerList });
  const { bus, tokens } = app;
  const url = await app.server.listen(config.port, config.host);
  const user = await db.user.create({
    data: {
      email: `bench-${Date.now()}-${Math.random()}@example.com`,
      passwordHash: 'x',
      firstName: 'B',
      lastName: 'B',
    },
  });
  const course = await db.course.create({ data: { userId: user.id, name: 'Bench' } });
  const token = await tokens.issue(user.id);
  const courseId = Buffer.from(`Course:${course.id}`).toString('base64');
  const mutate = async (i: number) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: 'mutation ($input: CreateAssignmentInput!) { createAssignment(input: $input) { id } }',
        variables: { input: { courseId, title: `T${i}`, dueAt: '2027-05-01T10:00:00Z' } },
      }),
    });
    const body = (await res.json()) as { errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
  };
  return {
    url,
    token,
    bus,
    mutate,
    async close() {
      await app.stop();
    },
  };
}

async function latency(mutate: (i: number) => Promise<void>): Promise<number[]> {
  for (let i = 0; i < 20; i++) await mutate(i); // warm-up
  const out: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await mutate(i);
    out.push(performance.now() - t);
  }
  return out;
}

async function main() {
  console.log(`bench:events on sp_bench_events: ${N} mutations per measurement, ${EVENTS} events`);
  const database = await scratchDatabase('sp_bench_events');
  const db = createPrisma({ url: database.url, poolSize: 10 });
  const rows: string[][] = [];
  try {
    // 1. Mutation latency without and with handlers (the bus runs after each commit).
    const bare = await setup(db, database.url, []);
    const without = await latency(bare.mutate);
    await bare.close();
    const full = await setup(db, database.url, handlers);
    const withHandlers = await latency(async (i) => {
      await full.mutate(i);
    });
    await full.bus.idle();
    await full.close();
    rows.push(['mutation p50 / p99, no handlers', p50p99(without)]);
    rows.push(['mutation p50 / p99, all handlers', p50p99(withHandlers)]);

    // 2. Dispatch throughput: EVENTS pending events, one no-op handler, one bus.
    const noop: EventHandler<HandlerDeps> = {
      name: 'bench-noop',
      eventTypes: ['user.updated'],
      handle: async () => 'done',
    };
    const user = await db.user.findFirstOrThrow();
    await db.outboxEvent.createMany({
      data: Array.from({ length: EVENTS }, () => ({
        type: 'user.updated',
        payload: { userId: user.id, changed: [] },
        userId: user.id,
      })),
    });
    const bus = new EventBus<HandlerDeps>({
      db,
      logger: createLogger('silent'),
      handlers: [noop],
      deps: { mailer: new MemoryMailer(), live: createLiveUpdates(null), events: { notify: () => {} } },
      maxAttempts: 3,
      pollIntervalMs: 60_000,
      batchSize: 200,
    });
    const t0 = performance.now();
    let delivered = 0;
    for (;;) {
      const ran = await bus.runOnce();
      delivered += ran;
      if (ran === 0) break;
    }
    const seconds = (performance.now() - t0) / 1000;
    rows.push([
      'events dispatched per second (1 bus, no-op handler)',
      `${Math.round(delivered / seconds)} (${delivered} in ${seconds.toFixed(1)} s)`,
    ]);

    // 3. Commit → subscriber (graphql-ws), measured against the event's occurredAt (in the transaction).
    const live = await setup(db, database.url, handlers);
    const sub = await wsSubscribe(live.url, live.token, 'subscription { taskUpdates { eventId } }');
    const lags: number[] = [];
    for (let i = 0; i < Math.min(N, 200); i++) {
      const next = sub.next();
      await live.mutate(i);
      const message = await next;
      const received = Date.now();
      const event = await db.outboxEvent.findUniqueOrThrow({ where: { id: message.data.taskUpdates.eventId } });
      lags.push(received - event.occurredAt.getTime());
    }
    await sub.close();
    await live.close();
    rows.push(['commit → subscriber p50 / p99', p50p99(lags)]);
  } finally {
    await db.$disconnect();
    await database.drop();
  }
  console.log(`\n${markdownTable(['measure', 'value'], rows)}`);
}

await main();

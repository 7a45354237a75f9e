import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { createPrisma } from '../src/db/client.js';
import { createLogger } from '../src/observability/logger.js';
import { connectRedis } from '../src/server/redis.js';
import { createConnectionCounter } from '../src/server/ws-connections.js';
import { createTestApp, globalId, TEST_JWT_SECRET, type TestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { createCourse, createUser } from './helpers/factories.js';
import { startLoadBalancer, type LoadBalancer } from './helpers/load-balancer.js';
import { startTestRedis, type TestRedis } from './helpers/redis.js';
import { rawWs } from './helpers/ws.js';

// Three replicas on one PostgreSQL database and one Redis, behind a round-robin TCP load balancer
// (test/helpers/load-balancer.ts): they behave as one service. Parts 1 to 3 run three in-process
// replicas (each with its own connection pool, memory mailer, event bus and job scheduler); part 4
// runs three `dist/main.js` processes, on a database of their own, and kill -9s one. REPLICAS_REPORT=1 prints the figures measured
// (docs/hardening.md, "Several replicas").

const root = path.join(import.meta.dirname, '..');
const report: Record<string, unknown> = {};

const UPDATES = 'subscription { taskUpdates { change task { title } } }';
const CREATE_ASSIGNMENT = 'mutation ($input: CreateAssignmentInput!) { createAssignment(input: $input) { id } }';
const CREATE_COURSE = 'mutation ($name: String!) { createCourse(input: { name: $name }) { id } }';
const UPDATE_PROFILE = 'mutation ($n: String!) { updateProfile(input: { firstName: $n }) { firstName } }';
const SIGN_UP = `mutation ($email: EmailAddress!) {
  signUp(input: { email: $email, password: "correct horse battery", firstName: "R", lastName: "S" }) { token }
}`;
const EVERY_SECOND = '* * * * * *';
const SCHEDULED = [
  'reminders',
  'digest',
  'deliver-notifications',
  'prune-outbox',
  'purge-deleted',
  'prune-error-log',
  'expire-subscriptions',
  'rollup-analytics',
];

/** A due date a week after `now` (the app clock in process, the real one for the processes). */
const inAWeek = (now: Date) => new Date(now.getTime() + 7 * 86_400_000).toISOString();

/**
 * A client address of its own (TRUST_PROXY: the replicas take it from X-Forwarded-For), so the
 * per-address limits this file reaches in Redis are not shared with other suites on 127.0.0.1.
 */
const address = () => `10.${[...randomBytes(3)].join('.')}`;

interface Answer {
  status: number;
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** One GraphQL request on a connection of its own (no keep-alive): each lands on the balancer's next replica. */
function post(url: string, query: string, variables: Record<string, unknown>, from: string, token?: string) {
  return new Promise<Answer>((resolve, reject) => {
    const body = JSON.stringify({ query, variables });
    const req = http.request(url, {
      method: 'POST',
      agent: false,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'x-forwarded-for': from,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, ...(JSON.parse(Buffer.concat(chunks).toString()) as object) });
        } catch (err) {
          reject(err as Error);
        }
      });
    });
    req.end(body);
  });
}

const code = (a: Answer) => a.errors?.[0]?.extensions?.code;

interface Live {
  /** The next update, or null when none comes within `ms`. */
  next(ms: number): Promise<{ data?: { taskUpdates: { change: string; task: { title: string } } } } | null>;
  /** Times the server acknowledged the connection (1, then one more per reconnection). */
  acks(): number;
  /** Resolves once acknowledged `n` times. */
  acked(n: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A graphql-ws client subscribed to taskUpdates from `from`. Resolves once acknowledged; rejects
 * when the server closes the socket before that (4429). With `reconnect`, it reconnects (at once,
 * up to 5 times) when the socket drops and subscribes again, as graphql-ws clients do.
 */
async function live(url: string, token: string, from: string, reconnect = false): Promise<Live> {
  const messages: unknown[] = [];
  const waiters: ((m: unknown) => void)[] = [];
  const ackWaiters: { n: number; resolve: () => void }[] = [];
  let acks = 0;
  class Forwarded extends WebSocket {
    constructor(target: string | URL, protocols?: string | string[]) {
      super(target, protocols, { headers: { 'x-forwarded-for': from } });
    }
  }
  let refused: (err: Error) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    ackWaiters.push({ n: 1, resolve });
    refused = reject;
  });
  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: Forwarded,
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: false,
    retryAttempts: reconnect ? 5 : 0,
    retryWait: () => Promise.resolve(),
    shouldRetry: () => reconnect,
    onNonLazyError: () => {}, // a refusal rejects `ready`; graphql-ws would print it too
    on: {
      connected: () => {
        acks++;
        for (const w of ackWaiters.filter((w) => w.n <= acks)) {
          ackWaiters.splice(ackWaiters.indexOf(w), 1);
          w.resolve();
        }
      },
      closed: (event) => {
        const { code: closeCode, reason } = event as { code?: number; reason?: string };
        if (acks === 0) refused(new Error(`closed before acknowledged: ${closeCode} ${reason ?? ''}`.trim()));
      },
    },
  });
  await ready.catch(async (err: unknown) => {
    await client.dispose();
    throw err;
  });
  const dispose = client.subscribe(
    { query: UPDATES },
    {
      next: (m) => {
        const w = waiters.shift();
        if (w) w(m);
        else messages.push(m);
      },
      error: () => {},
      complete: () => {},
    },
  );
  return {
    next(ms) {
      if (messages.length > 0) return Promise.resolve(messages.shift() as never);
      return new Promise((resolve) => {
        const waiter = (m: unknown) => {
          clearTimeout(timer);
          resolve(m as never);
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          resolve(null);
        }, ms);
        waiters.push(waiter);
      });
    },
    acks: () => acks,
    acked: (n) => (acks >= n ? Promise.resolve() : new Promise((resolve) => ackWaiters.push({ n, resolve }))),
    async close() {
      dispose();
      await client.dispose();
    },
  };
}

let redis: TestRedis;
let database: TestDatabase;
/** Part 4's database: its processes' event buses and jobs stay off the in-process replicas' rows. */
let processDatabase: TestDatabase;
const replicas: TestApp[] = [];
const urls: string[] = [];
let balancer: LoadBalancer;
/** Part 4's processes, started with the suite: loading the app takes seconds on a busy machine. */
let processes: Promise<Process[]>;
const children: Pick<Process, 'child' | 'exited'>[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  database = await createTestDatabase();
  // The embedded database serves every connection on one session: no replicas there.
  if (database.embedded) throw new Error('three replicas need a PostgreSQL server: set DATABASE_URL');
  processDatabase = await createTestDatabase();
  processes = promisify(execFile)(process.execPath, ['scripts/ensure-built.mjs'], { cwd: root }).then(() =>
    Promise.all([0, 1, 2].map(() => startProcess())),
  );
  processes.catch(() => {}); // part 4 awaits it and fails with the reason
  for (let i = 0; i < 3; i++) {
    // A connection pool of its own, as a replica process has.
    const db = createPrisma({ url: database.url, poolSize: 4, preparedStatements: true });
    const replica = await createTestApp({
      database: { ...database, db, drop: () => db.$disconnect() },
      redisUrl: redis.url,
      env: {
        TRUST_PROXY: 'true',
        WS_MAX_CONNECTIONS_PER_USER: '3',
        RATE_LIMIT_MUTATIONS_USER: '6/1m',
        RATE_LIMIT_WS_CONNECTIONS_IP: '20/1m',
        JOB_SCHEDULES: JSON.stringify(Object.fromEntries(SCHEDULED.map((job) => [job, EVERY_SECOND]))),
      },
    });
    replicas.push(replica);
    urls.push(await replica.server.listen(0, '127.0.0.1'));
  }
  balancer = await startLoadBalancer(urls.map((u) => ({ host: '127.0.0.1', port: Number(new URL(u).port) })));
});
afterAll(async () => {
  for (const p of children) {
    if (p.child.exitCode === null && p.child.signalCode === null) {
      p.child.kill('SIGTERM');
      await p.exited;
    }
  }
  await balancer?.close();
  for (const replica of replicas) {
    await replica.close();
    await replica.database.drop(); // its pool only
  }
  await database?.drop();
  await processDatabase?.drop();
  await redis?.stop();
  if (process.env.REPLICAS_REPORT) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
});

/** Connections `lb` forwarded to each replica since `before` (an earlier `forwarded()`). */
const since = (lb: LoadBalancer, before: number[]) => lb.forwarded().map((n, i) => n - before[i]!);
const idle = () => Promise.all(replicas.map((r) => r.bus.idle()));

describe('three replicas behind a round-robin load balancer', () => {
  it('delivers each update, whichever replica took the mutation, to the subscribers on every replica', async () => {
    const from = address();
    const students = await Promise.all(
      [0, 1].map(async () => {
        const user = await createUser(database.db);
        const course = await createCourse(database.db, user.id);
        return { user, course, token: await replicas[0]!.tokens.issue(user.id) };
      }),
    );
    // One subscriber per student on each replica, connected to it directly.
    const subs = await Promise.all(students.map((s) => Promise.all(urls.map((url) => live(url, s.token, from)))));
    try {
      for (const s of students) for (const r of replicas) await r.subscribed('taskUpdates', s.user.id);
      const before = balancer.forwarded();
      const titles = ['first', 'second', 'third'];
      for (const title of titles) {
        for (const s of students) {
          const res = await post(
            balancer.url,
            CREATE_ASSIGNMENT,
            { input: { courseId: globalId('Course', s.course.id), title, dueAt: inAWeek(replicas[0]!.clock.now) } },
            from,
            s.token,
          );
          expect(res.errors).toBeUndefined();
        }
      }
      await idle();
      // The six mutations went two to each replica.
      expect(since(balancer, before)).toEqual([2, 2, 2]);
      const perReplica = urls.map(() => ({ delivered: 0, expected: students.length * titles.length }));
      for (const [si, bySubscriber] of subs.entries()) {
        for (const [ri, sub] of bySubscriber.entries()) {
          const heard: string[] = [];
          for (let i = 0; i < titles.length; i++) {
            const m = await sub.next(5_000);
            if (!m) break;
            expect(m.data?.taskUpdates.change).toBe('CREATED');
            heard.push(m.data!.taskUpdates.task.title);
          }
          expect({ student: si, replica: ri, heard }).toEqual({ student: si, replica: ri, heard: titles });
          perReplica[ri]!.delivered += heard.length;
        }
      }
      report.liveUpdates = perReplica;
      expect(perReplica).toEqual(urls.map(() => ({ delivered: 6, expected: 6 })));
    } finally {
      await Promise.all(subs.flat().map((s) => s.close()));
    }
  });

  it('counts the websocket connections of an account across the replicas (4429 past the cap)', async () => {
    const from = address();
    const user = await createUser(database.db);
    const token = await replicas[0]!.tokens.issue(user.id);
    const before = balancer.forwarded();
    const open = [];
    for (let i = 0; i < 3; i++) open.push(await live(balancer.url, token, from));
    expect(since(balancer, before)).toEqual([1, 1, 1]); // one on each replica
    // The fourth lands on a replica holding one connection of the account: refused all the same.
    await expect(live(balancer.url, token, from)).rejects.toThrow(
      'closed before acknowledged: 4429 Too many connections for this account',
    );
    expect(since(balancer, before).reduce((a, b) => a + b)).toBe(4);
    // A closed connection frees its place on every replica (the replica counts it once it sees the close).
    await open.shift()!.close();
    let again: Live | null = null;
    // (No event says when: at most 15 attempts, 200 ms apart, within RATE_LIMIT_WS_CONNECTIONS_IP.)
    for (let attempt = 0; attempt < 15 && !again; attempt++) {
      again = await live(balancer.url, token, from).catch(() => null);
      if (!again) await new Promise((r) => setTimeout(r, 200));
    }
    expect(again).not.toBeNull();
    report.wsPerAccount = { cap: 3, acceptedOnePerReplica: 3, fourth: 4429, afterOneClosed: 'accepted' };
    await Promise.all([...open, again!].map((s) => s.close()));
  });

  it('keeps the places of a live replica, and frees those of one that died without closing its sockets, after their lease', async () => {
    const connections = [
      connectRedis(redis.url, createLogger('silent')),
      connectRedis(redis.url, createLogger('silent')),
    ];
    await Promise.all(
      connections
        .flatMap((c) => [c.command, c.subscriber])
        .map((r) => (r.status === 'ready' ? null : once(r, 'ready'))),
    );
    const [alive, other] = connections.map((redis) =>
      createConnectionCounter({ max: 1, redis, logger: createLogger('silent'), leaseMs: 1_000 }),
    );
    const user = randomBytes(8).toString('hex');
    try {
      expect(await alive!.acquire(user)).not.toBeNull();
      // Renewed every third of its lease: still held after two and a half leases.
      await new Promise((r) => setTimeout(r, 2_500));
      expect(await other!.acquire(user)).toBeNull();
      // The holder stops renewing without giving its place back (as after kill -9): free within a lease.
      alive!.close();
      const stopped = Date.now();
      let taken = null;
      for (let i = 0; i < 40 && !taken; i++) {
        taken = await other!.acquire(user);
        if (!taken) await new Promise((r) => setTimeout(r, 100));
      }
      expect(taken).not.toBeNull();
      expect(Date.now() - stopped).toBeLessThan(2_500);
      report.wsLease = { leaseMs: 1_000, heldWhileRenewedMs: 2_500, freedAfterStopMs: Date.now() - stopped };
    } finally {
      other!.close();
      await Promise.all(connections.map((c) => c.close()));
    }
  });

  it('counts the per-minute mutation limit and the per-address websocket limit across the replicas', async () => {
    const from = address();
    const user = await createUser(database.db);
    const token = await replicas[0]!.tokens.issue(user.id);
    // RATE_LIMIT_MUTATIONS_USER=6/1m: 9 mutations, three on each replica; per replica it would be 9 ok.
    const outcomes = [];
    for (let i = 0; i < 9; i++)
      outcomes.push(code(await post(balancer.url, UPDATE_PROFILE, { n: `n${i}` }, from, token)) ?? 'ok');
    expect(outcomes).toEqual([...Array(6).fill('ok'), ...Array(3).fill('RATE_LIMITED')]);
    report.mutationsPerUser = { limit: '6/1m', sent: 9, ok: 6, refused: 3 };

    // RATE_LIMIT_WS_CONNECTIONS_IP=20/1m: 20 upgrades from one address, about 7 on each replica; the 21st is refused.
    const other = address();
    const before = balancer.forwarded();
    const sockets = [];
    try {
      for (let i = 0; i < 20; i++) sockets.push(await rawWs(balancer.url, { 'x-forwarded-for': other }));
      await expect(rawWs(balancer.url, { 'x-forwarded-for': other })).rejects.toThrow('HTTP 429');
      expect(since(balancer, before)).toEqual([7, 7, 7]);
    } finally {
      for (const ws of sockets) ws.socket.close();
    }
    report.wsPerAddress = { limit: '20/1m', accepted: 20, refused: 1, perReplica: since(balancer, before) };
  });

  it('sends each welcome email once, whichever replica dispatches it', async () => {
    const from = address();
    const run = randomBytes(3).toString('hex');
    const emails = Array.from({ length: 9 }, (_, i) => `welcome-${run}-${i}@example.com`);
    const before = balancer.forwarded();
    for (const email of emails) expect((await post(balancer.url, SIGN_UP, { email }, from)).errors).toBeUndefined();
    expect(since(balancer, before)).toEqual([3, 3, 3]);
    // Every replica's event bus races for every pending delivery. A delivery that failed (say, no
    // database connection in time on a busy machine) is due again a second later on the app
    // clocks: they move on and the buses run again, at most 5 rounds.
    const sentBy = () =>
      replicas.map((r) =>
        r.mailer.outbox
          .filter((m) => m.subject === 'Welcome to Study Planner' && emails.includes(m.to))
          .map((m) => m.to),
      );
    let rounds = 0;
    for (;;) {
      for (const r of replicas) r.bus.notify();
      await idle();
      if (++rounds >= 5 || sentBy().flat().length >= emails.length) break;
      for (const r of replicas) r.clock.now = new Date(r.clock.now.getTime() + 2_000);
    }
    const sent = sentBy();
    const retried = await database.db.eventDelivery.count({
      where: { handler: 'send-welcome-email', attempts: { gt: 1 } },
    });
    report.welcomeEmails = {
      signUps: emails.length,
      sentPerReplica: sent.map((s) => s.length),
      dispatchRounds: rounds,
      deliveriesRetried: retried,
    };
    expect(sent.flat().sort()).toEqual([...emails].sort());
  });

  it('runs each scheduled job once per tick, whichever replica fires first', async () => {
    const scheduled = replicas[0]!.jobs.names().filter((n) => replicas[0]!.jobs.scheduleOf(n) === EVERY_SECOND);
    expect(scheduled.length).toBeGreaterThan(0);
    const ticks = async () =>
      database.db.$queryRaw<{ job: string; ticks: number }[]>`
        SELECT job, count(DISTINCT "scheduledFor")::int AS ticks FROM "JobRun" GROUP BY job`;
    for (const r of replicas) r.jobs.start();
    try {
      // Every job through three ticks (no event says so: the rows are polled, for at most 15 s).
      const deadline = Date.now() + 15_000;
      for (;;) {
        const seen = await ticks();
        if (scheduled.every((job) => (seen.find((s) => s.job === job)?.ticks ?? 0) >= 3)) break;
        if (Date.now() > deadline) throw new Error(`not three ticks in 15 s: ${JSON.stringify(seen)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      await Promise.all(replicas.map((r) => r.jobs.stop()));
    }
    const rows = await database.db.$queryRaw<{ job: string; runs: number; ticks: number; failed: number }[]>`
      SELECT job, count(*)::int AS runs, count(DISTINCT "scheduledFor")::int AS ticks,
             count(*) FILTER (WHERE error IS NOT NULL OR "scheduledFor" IS NULL)::int AS failed
      FROM "JobRun" WHERE job = ANY(${scheduled}) GROUP BY job ORDER BY job`;
    report.jobs = {
      replicas: 3,
      runs: rows.reduce((n, r) => n + r.runs, 0),
      ticks: rows.reduce((n, r) => n + r.ticks, 0),
      failed: rows.reduce((n, r) => n + r.failed, 0),
    };
    expect(rows.map((r) => r.job)).toEqual([...scheduled].sort());
    for (const r of rows) expect(r).toEqual({ job: r.job, runs: r.ticks, ticks: r.ticks, failed: 0 });
  });
});

interface Process {
  child: ChildProcess;
  url: string;
  exited: Promise<unknown>;
}

/** `dist/main.js` on part 4's database and this file's Redis, on a port of its own; resolves once it listens. */
async function startProcess(): Promise<Process> {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: processDatabase.url,
      REDIS_URL: redis.url,
      JWT_SECRET: TEST_JWT_SECRET,
      TRUST_PROXY: 'true',
      RATE_LIMIT_SIGN_UP_IP: '1000/1h',
      LOG_LEVEL: 'info',
    },
  });
  const exited = once(child, 'exit');
  children.push({ child, exited });
  const tail: string[] = [];
  child.stderr!.on('data', (c: Buffer) => tail.push(c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      tail.push(line);
      if (tail.length > 30) tail.shift();
      if (line.includes('study-planner-api listening on')) resolve((JSON.parse(line) as { url: string }).url);
    });
    void exited.then(() => reject(new Error(`replica exited before listening:\n${tail.join('\n')}`)));
  });
  return { child, url, exited };
}

/** A request through the balancer, sent again (at most 5 times) when its connection fails. */
async function postRetrying(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  from: string,
  token?: string,
) {
  for (let attempt = 1; ; attempt++) {
    try {
      return { answer: await post(url, query, variables, from, token), attempt };
    } catch (err) {
      if (attempt >= 5) throw err;
    }
  }
}

describe('kill -9 of one of three replica processes under load', () => {
  let replicaProcesses: Process[];
  let front: LoadBalancer;
  beforeAll(async () => {
    replicaProcesses = await processes;
    front = await startLoadBalancer(
      replicaProcesses.map((p) => ({ host: '127.0.0.1', port: Number(new URL(p.url).port) })),
    );
  }, 120_000);
  afterAll(async () => {
    await front?.close();
  });

  it('loses no acknowledged write, stores none twice, and its clients reconnect to the others', async () => {
    const from = address();
    const run = randomBytes(3).toString('hex');
    const watcher = await post(front.url, SIGN_UP, { email: `watcher-${run}@example.com` }, from);
    const token = watcher.data!.signUp.token as string;
    const course = await post(front.url, CREATE_COURSE, { name: 'Live' }, from, token);
    const courseId = course.data!.createCourse.id as string;
    const assign = (title: string) =>
      postRetrying(
        front.url,
        CREATE_ASSIGNMENT,
        { input: { courseId, title, dueAt: inAWeek(new Date()) } },
        from,
        token,
      );
    /**
     * Creates assignments until the subscriber hears one (at most 20, 1 s each): the server
     * subscribes it a moment after acknowledging the connection, and says nothing when it has.
     */
    const untilHeard = async (sub: Live, prefix: string) => {
      for (let i = 0; i < 20; i++) {
        const { answer } = await assign(`${prefix} ${i}`);
        expect(answer.errors).toBeUndefined();
        for (let m = await sub.next(1_000); m; m = await sub.next(200)) {
          if (m.data?.taskUpdates.task.title.startsWith(prefix)) return m.data.taskUpdates.task.title;
        }
      }
      return null;
    };

    // The subscriber's connection goes to the balancer's next replica: that one is killed.
    const before = front.forwarded();
    const sub = await live(front.url, token, from, true);
    const victim = since(front, before).indexOf(1);
    expect(victim).toBeGreaterThanOrEqual(0);
    try {
      expect(await untilHeard(sub, 'before')).toMatch(/^before/);

      // 3 workers sign up 30 accounts through the balancer; the victim is killed after 10 answers.
      const emails = Array.from({ length: 30 }, (_, i) => `kill-${run}-${i}@example.com`);
      const acked: string[] = [];
      const storedUnanswered: string[] = [];
      const failed: string[] = [];
      let retried = 0;
      let killed: Promise<unknown> | null = null;
      let queue = 0;
      const worker = async () => {
        while (queue < emails.length) {
          const email = emails[queue++]!;
          const { answer, attempt } = await postRetrying(front.url, SIGN_UP, { email }, from);
          if (attempt > 1) retried++;
          if (answer.data?.signUp) acked.push(email);
          // Sent again after a lost answer: the first attempt had committed.
          else if (attempt > 1 && code(answer) === 'CONFLICT') storedUnanswered.push(email);
          else failed.push(`${email}: ${JSON.stringify(answer.errors)}`);
          if (acked.length >= 10 && !killed) {
            replicaProcesses[victim]!.child.kill('SIGKILL');
            killed = replicaProcesses[victim]!.exited;
          }
        }
      };
      await Promise.all([worker(), worker(), worker()]);
      await killed;
      expect(replicaProcesses[victim]!.child.signalCode).toBe('SIGKILL');
      expect(failed).toEqual([]);

      const rows = await processDatabase.db.user.groupBy({
        by: ['email'],
        where: { email: { startsWith: `kill-${run}-` } },
        _count: { _all: true },
      });
      const stored = new Map(rows.map((r) => [r.email, r._count._all]));
      const lost = acked.filter((e) => !stored.has(e));
      const twice = [...stored].filter(([, n]) => n > 1).map(([e]) => e);
      expect({ lost, twice }).toEqual({ lost: [], twice: [] });
      expect([...stored.keys()].sort()).toEqual([...acked, ...storedUnanswered].sort());

      // The subscriber reconnected through the balancer to a survivor, subscribed again, and hears updates.
      await sub.acked(2);
      expect(front.open()[victim]).toBe(0);
      expect(await untilHeard(sub, 'after')).toMatch(/^after/);
      report.killNine = {
        signUps: emails.length,
        acknowledged: acked.length,
        storedOfAcknowledged: acked.filter((e) => stored.has(e)).length,
        storedUnanswered: storedUnanswered.length,
        storedTwice: twice.length,
        retriedRequests: retried,
        subscriberReconnected: sub.acks() - 1,
        heardAfterReconnect: true,
      };
    } finally {
      await sub.close();
    }
  }, 60_000);
});

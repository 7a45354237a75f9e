// npm run bench:faults — what a bad day does to the server, on the local PostgreSQL and Redis.
// Each run drives a write load (sign-up, a course, five assignments, again) from a few workers,
// injects one fault through a TCP proxy (or kills the process), then lets the event bus drain and
// reports, per fault: requests served and failed (by code), acknowledged writes missing their row
// or their outbox event (must be 0), duplicated welcome emails (must be 0), the time from the end
// of the fault to the first request served again, and the p99 time from a task's commit to its
// live-update delivery.
// Options: --faults cut,stall,redis,smtp,kill  --cut <s, 3>  --stall <s, 45>  --redis <s, 30>
//          --smtp <s, 30>  --workers <4>  --warmup <s, 2>  --after <s, 5>
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { buildApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createPrisma, type Db } from '../src/db/client.js';
import { applyMigrations } from '../src/db/migrate.js';
import { createSmtpMailer, MemoryMailer, smtpTimeoutsFor, type Mailer } from '../src/mail/mailer.js';
import { createLogger } from '../src/observability/logger.js';
import { startFakeSmtp } from '../tools/faults/smtp.js';
import { hostPort, startProxy } from '../tools/faults/proxy.js';
import { freePort, ROOT } from './servers.js';
import { optionValue } from './args.js';

const argv = process.argv.slice(2);
const value = (name: string) => optionValue(name, argv);
const seconds = (name: string, fallback: number) => Number(value(name) ?? fallback) * 1000;
const FAULTS = (value('faults') ?? 'cut,stall,redis,smtp,kill').split(',');
const WORKERS = Number(value('workers') ?? 4);
const WARMUP_MS = seconds('warmup', 2);
const AFTER_MS = seconds('after', 5);
const SERVER = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const JWT_SECRET = 'faults-bench-secret-faults-bench-secret-0';
const PASSWORD = 'correct horse battery';
/** Limits far above what the workers send: the load is a few users from one address. */
const HIGH_LIMITS = {
  RATE_LIMIT_MUTATIONS_USER: '10000000/1m',
  MUTATIONS_IN_FLIGHT_PER_USER: '1000',
  RATE_LIMIT_SIGN_UP_IP: '10000000/1m',
  RATE_LIMIT_SIGN_IN_IP: '10000000/1m',
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: SERVER });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function scratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `sp_bench_faults_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE "${name}"`);
  const u = new URL(SERVER);
  u.pathname = `/${name}`;
  const url = u.toString();
  await applyMigrations(url);
  return { url, drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/** How a worker reaches the server: in process (Yoga's fetch) or over HTTP. */
type Send = (
  query: string,
  variables: Record<string, unknown>,
  token?: string,
) => Promise<{ data?: any; errors?: any[] }>;

interface Acked {
  kind: 'user' | 'course' | 'assignment';
  id: string;
}

interface LoadResult {
  ok: number;
  failed: Map<string, number>;
  acked: Acked[];
  /** performance.now() of each successful request. */
  successes: number[];
}

const SIGN_UP = `mutation ($email: EmailAddress!) { signUp(input: { email: $email, password: "${PASSWORD}", firstName: "F", lastName: "L" }) { token user { id } } }`;
const COURSE = 'mutation ($input: CreateCourseInput!) { createCourse(input: $input) { id } }';
const ASSIGNMENT = 'mutation ($input: CreateAssignmentInput!) { createAssignment(input: $input) { id } }';
const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString('utf8').split(':').slice(1).join(':');

/** Workers loop sign-up, a course, five assignments until `stop()`; every acknowledged write is kept. */
function runLoad(send: Send): { stop(): Promise<LoadResult> } {
  const result: LoadResult = { ok: 0, failed: new Map(), acked: [], successes: [] };
  let stopping = false;
  const call = async (query: string, variables: Record<string, unknown>, token?: string) => {
    try {
      const res = await send(query, variables, token);
      if (res.errors?.length) {
        const code = String(res.errors[0].extensions?.code ?? 'NO_CODE');
        result.failed.set(code, (result.failed.get(code) ?? 0) + 1);
        return null;
      }
      result.ok++;
      result.successes.push(performance.now());
      return res.data;
    } catch (err) {
      const code = `transport: ${(err as Error).message.slice(0, 40)}`;
      result.failed.set(code, (result.failed.get(code) ?? 0) + 1);
      await sleep(100);
      return null;
    }
  };
  const worker = async () => {
    while (!stopping) {
      const email = `f-${randomBytes(6).toString('hex')}@example.com`;
      const signedUp = await call(SIGN_UP, { email });
      if (!signedUp) continue;
      const token = signedUp.signUp.token as string;
      result.acked.push({ kind: 'user', id: rawId(signedUp.signUp.user.id) });
      let course: string | null = null;
      while (!course && !stopping) {
        const created = await call(COURSE, { input: { name: 'Faults 101' } }, token);
        if (created) {
          course = created.createCourse.id as string;
          result.acked.push({ kind: 'course', id: rawId(course) });
        }
      }
      for (let i = 0; i < 5 && course && !stopping; i++) {
        const input = { courseId: course, title: `task ${i}`, dueAt: '2027-05-01T10:00:00Z' };
        const created = await call(ASSIGNMENT, { input }, token);
        if (created) result.acked.push({ kind: 'assignment', id: rawId(created.createAssignment.id) });
      }
    }
  };
  const running = Array.from({ length: WORKERS }, () => worker());
  return {
    async stop() {
      stopping = true;
      await Promise.all(running);
      return result;
    },
  };
}

/** Waits until every delivery has settled (or `limitMs`); `tick` runs a dispatch cycle where we own the bus. */
async function drain(db: Db, tick: () => Promise<unknown>, limitMs = 120_000): Promise<number> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    await tick().catch(() => {});
    const [row] = await db.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM "OutboxEvent" e
      WHERE e."processedAt" IS NULL
         OR EXISTS (SELECT 1 FROM "EventDelivery" d WHERE d."eventId" = e."id" AND d."status" = 'PENDING')`;
    const n = Number(row?.n ?? 0);
    if (n === 0 || Date.now() > deadline) return n;
    await sleep(200);
  }
}

interface Row {
  fault: string;
  ok: number;
  failed: string;
  missing: number;
  duplicates: number;
  recoverMs: number | null;
  p99DeliveryMs: number | null;
  unsettled: number;
}

/** Acknowledged writes without their row or their outbox event. */
async function missing(db: Db, acked: Acked[]): Promise<number> {
  const ids = acked.map((a) => a.id);
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT id::text FROM "User" WHERE id = ANY(${ids}::uuid[])
    UNION ALL SELECT id::text FROM "Course" WHERE id = ANY(${ids}::uuid[])
    UNION ALL SELECT id::text FROM "Assignment" WHERE id = ANY(${ids}::uuid[])`;
  const events = await db.$queryRaw<{ id: string }[]>`
    SELECT DISTINCT "aggregateId"::text AS id FROM "OutboxEvent" WHERE "aggregateId" = ANY(${ids}::uuid[])`;
  const have = new Set(rows.map((r) => r.id));
  const withEvent = new Set(events.map((r) => r.id));
  return acked.filter((a) => !have.has(a.id) || !withEvent.has(a.id)).length;
}

async function p99Delivery(db: Db): Promise<number | null> {
  const [row] = await db.$queryRaw<{ p99: number | null }[]>`
    SELECT percentile_cont(0.99) WITHIN GROUP (
      ORDER BY EXTRACT(EPOCH FROM (d."completedAt" - e."occurredAt")) * 1000) AS p99
    FROM "EventDelivery" d JOIN "OutboxEvent" e ON e."id" = d."eventId"
    WHERE d."handler" = 'publish-task-update' AND d."status" = 'SUCCEEDED'`;
  return row?.p99 == null ? null : Math.round(Number(row.p99));
}

function duplicates(recipients: string[]): number {
  const counts = new Map<string, number>();
  for (const r of recipients) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts.values()].filter((n) => n > 1).reduce((sum, n) => sum + n - 1, 0);
}

const formatFailed = (failed: Map<string, number>) =>
  [...failed.entries()].map(([code, n]) => `${code} ${n}`).join(', ') || '—';

/** One in-process run: the app's database (or Redis) behind a proxy, one fault, then drain. */
async function inProcess(fault: 'cut' | 'stall' | 'redis' | 'smtp', durationMs: number): Promise<Row> {
  const database = await scratchDatabase();
  const dbProxy = await startProxy(hostPort(database.url));
  const redisProxy = fault === 'redis' ? await startProxy(hostPort(REDIS_URL)) : null;
  const smtp = fault === 'smtp' ? await startFakeSmtp() : null;
  const db = createPrisma({ url: dbProxy.url(database.url), poolSize: 10 });
  const direct = createPrisma({ url: database.url, poolSize: 2 });
  const memory = new MemoryMailer();
  const mailer: Mailer = smtp ? createSmtpMailer(smtp.url, 'bench@example.com', smtpTimeoutsFor(30_000)) : memory;
  const config = loadConfig({
    NODE_ENV: 'development',
    JWT_SECRET,
    EVENT_POLL_INTERVAL_MS: '500',
    LOG_LEVEL: 'silent',
    ...(redisProxy ? { REDIS_URL: redisProxy.url(REDIS_URL) } : {}),
    ...HIGH_LIMITS,
  });
  const app: App = buildApp({
    config,
    db,
    logger: createLogger(process.env.FAULTS_LOG_LEVEL ?? 'silent'),
    mailer,
    backoffMs: () => 500,
  });
  app.bus.start();
  const send: Send = async (query, variables, token) => {
    const res = await app.server.yoga.fetch('http://bench/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data?: any; errors?: any[] };
  };
  try {
    const load = runLoad(send);
    await sleep(WARMUP_MS);
    const proxy = fault === 'redis' ? redisProxy! : dbProxy;
    if (fault === 'smtp') smtp!.mode = 'hang';
    else if (fault === 'stall') proxy.stall();
    else proxy.cut();
    await sleep(durationMs);
    if (fault === 'smtp') smtp!.mode = 'ok';
    else proxy.restore();
    const restoredAt = performance.now();
    await sleep(AFTER_MS);
    const result = await load.stop();
    const unsettled = await drain(direct, () => app.bus.runOnce());
    const firstAfter = result.successes.find((t) => t >= restoredAt);
    return {
      fault: `${fault} ${durationMs / 1000} s`,
      ok: result.ok,
      failed: formatFailed(result.failed),
      missing: await missing(direct, result.acked),
      duplicates: duplicates(smtp ? smtp.recipients : memory.outbox.map((m) => m.to)),
      recoverMs: firstAfter === undefined ? null : Math.round(firstAfter - restoredAt),
      p99DeliveryMs: await p99Delivery(direct),
      unsettled,
    };
  } finally {
    await app.stop();
    await db.$disconnect();
    await direct.$disconnect();
    await dbProxy.close();
    await redisProxy?.close();
    await smtp?.close();
    await database.drop();
  }
}

/** `kill -9` mid-burst: the server in a child process, killed, started again on the same database. */
async function killMidBurst(runMs: number): Promise<Row> {
  const database = await scratchDatabase();
  const port = await freePort();
  const recipients: string[] = [];
  const startChild = async (): Promise<ChildProcess> => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'main.ts')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_ENV: 'development',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: database.url,
        JWT_SECRET,
        LOG_LEVEL: 'info',
        EVENT_POLL_INTERVAL_MS: '200',
        GRAPHIQL: 'false',
        ...HIGH_LIMITS,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let rest = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (rest + String(chunk)).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.includes('"mail"')) continue;
        try {
          const to = (JSON.parse(line) as { mail?: { to?: string } }).mail?.to;
          if (to) recipients.push(to);
        } catch {
          // not a log line
        }
      }
    });
    for (;;) {
      const up = await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) return child;
      if (child.exitCode !== null) throw new Error('the server exited at start');
      await sleep(100);
    }
  };
  const send: Send = async (query, variables, token) => {
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data?: any; errors?: any[] };
  };
  const direct = createPrisma({ url: database.url, poolSize: 2 });
  let child = await startChild();
  try {
    const load = runLoad(send);
    await sleep(runMs / 2);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    child = await startChild();
    const restartedAt = performance.now();
    await sleep(runMs / 2);
    const result = await load.stop();
    const unsettled = await drain(direct, async () => {});
    const firstAfter = result.successes.find((t) => t >= restartedAt);
    return {
      fault: `kill -9 mid-burst`,
      ok: result.ok,
      failed: formatFailed(result.failed),
      missing: await missing(direct, result.acked),
      duplicates: duplicates(recipients),
      recoverMs: firstAfter === undefined ? null : Math.round(firstAfter - restartedAt),
      p99DeliveryMs: await p99Delivery(direct),
      unsettled,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    await direct.$disconnect();
    await database.drop();
  }
}

const rows: Row[] = [];
for (const fault of FAULTS) {
  process.stderr.write(`running ${fault}…\n`);
  if (fault === 'cut') rows.push(await inProcess('cut', seconds('cut', 3)));
  else if (fault === 'stall') rows.push(await inProcess('stall', seconds('stall', 45)));
  else if (fault === 'redis') rows.push(await inProcess('redis', seconds('redis', 30)));
  else if (fault === 'smtp') rows.push(await inProcess('smtp', seconds('smtp', 30)));
  else if (fault === 'kill') rows.push(await killMidBurst(seconds('run', 10)));
  else throw new Error(`unknown fault ${fault}`);
}

const header = [
  'fault',
  'requests ok',
  'failed (codes)',
  'acked w/o row or event',
  'duplicated emails',
  'recovered after',
  'p99 commit→live update',
  'unsettled events',
];
console.log(`\nFault runs (${WORKERS} workers; sign-up, a course, 5 assignments, repeated)\n`);
console.log(`| ${header.join(' | ')} |`);
console.log(`| ${header.map(() => '---').join(' | ')} |`);
for (const r of rows) {
  console.log(
    `| ${[
      r.fault,
      r.ok,
      r.failed,
      r.missing,
      r.duplicates,
      r.recoverMs === null ? 'never' : `${r.recoverMs} ms`,
      r.p99DeliveryMs === null ? '—' : `${r.p99DeliveryMs} ms`,
      r.unsettled,
    ].join(' | ')} |`,
  );
}

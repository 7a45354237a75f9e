/**
 * `npm run bench`: the API against the raw-SQL limit, the PostGraphile peer and itself without its
 * secondary indexes, on one seeded database (bench/README.md says what each pass does).
 *
 *   1. build (scripts/ensure-built.mjs), the example app's codegen, seed or reuse the database
 *   2. counting pass, per server: SQL statements per request through SqlCounter
 *   3. timing pass: every server up at once; sample answers compared with ours, then per scenario
 *      the servers back to back (autocannon), and planned against text side by side
 *   4. ours only: the reads without the secondary indexes, the mutation mix, subscriptions
 *   5. tables on stdout, JSON in bench/results/, `--readme` rewrites bench/README.md's table
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTokenService } from '../src/auth/tokens.js';
import { createPrisma } from '../src/db/client.js';
import { createLogger } from '../src/observability/logger.js';
import { getSchema } from '../src/schema/index.js';
import { publishDocumentsAsOperator } from '../src/versioning/documents/publish-documents.js';
import { commandLine, databaseUrl, postJson, sleep, withClient } from './common.js';
import { dropSecondaryIndexes, restoreIndexes } from './indexes.js';
import { runLoad, runLoads, stopLoadWorker, type LoadResult, type LoadSpec } from './load.js';
import { Prng } from './prng.js';
import {
  renderText,
  updateReadme,
  writeResults,
  type BenchResults,
  type Measurement,
  type Parity,
  type StatementCount,
  type Variant,
} from './report.js';
import {
  globalId,
  isOurs,
  OURS_ONLY_READS,
  READ_SCENARIOS,
  readDocumentsManifest,
  readRequest,
  SCENARIOS,
  summarize,
  mutationSteps,
  type Fixtures,
  type MutationCycle,
  type ScenarioName,
  type TargetName,
} from './scenarios.js';
import {
  cleanupMutations,
  loadStudents,
  markMutating,
  restoreBenchDeletions,
  seedDatabase,
  seedNotifications,
  waitForAutovacuum,
} from './seed.js';
import {
  backendCpu,
  backendCpuDelta,
  ensureBenchDependencies,
  ensureServerNode,
  ROOT,
  startServer,
  systemNode,
  type RunningServer,
} from './servers.js';
import { SqlCounter } from './sql-counter.js';
import { runSubscriptions, type SubscriptionResult } from './subscriptions.js';

const USAGE = `
npm run bench [-- options]: the API against the raw-SQL limit and PostGraphile 5 (bench/README.md)

  --quick                 scale 0.02, 2 s runs, its own database sp_bench_quick (4–5 minutes)
  --scale <n>             data set size (default 1: 2,000 students, 1.6M task rows)
  --seed <n>              PRNG seed of the data set (default 42)
  --reseed                seed again even when the database matches
  --duration <s>          seconds per measured run (default 20; quick 2)
  --warmup <s>            seconds of warm-up before each run (default 5; quick 1)
  --connections <n>       autocannon connections (default 32)
  --pool <n>              DATABASE_POOL_SIZE of every server (default 10)
  --only <list>           scenarios: dashboard,coursePage,agenda,notifications,overdue,changes,mutations,createComplete
  --targets <list>        servers: ours,planned,text,raw,peer (default all)
  --no-count              skip the SQL-statement counting pass
  --no-unindexed          skip the reads without secondary indexes
  --no-subscriptions      skip the subscription fan-out
  --server-node <v>       the servers' Node: 24 (default), 22 or system
  --ours-main <path>      another build of the API to measure (A/B), not rebuilt
  --db <url>              the bench database (default sp_bench on the server of DATABASE_URL)
  --readme                also rewrite the table of bench/README.md
  --help                  this text

The first run installs the bench's own dependencies (bench/package.json) into bench/node_modules
and the servers' Node into bench/.node24.`;

const cli = commandLine(USAGE);
const quick = cli.flag('quick');
const opts = {
  quick,
  scale: cli.number('scale', quick ? 0.02 : 1),
  seed: cli.number('seed', 42),
  connections: cli.number('connections', 32),
  durationSec: cli.number('duration', quick ? 2 : 20),
  warmupSec: cli.number('warmup', quick ? 1 : 5),
  poolSize: cli.number('pool', 10),
  countRequests: quick ? 32 : 400,
};
/** The options of a run, as its results record them. */
export type BenchOptions = typeof opts;
/** Its own database, sp_bench(_quick: a small data set, so the full one is kept), on the server of DATABASE_URL. */
const dbUrl = cli.value('db') ?? process.env.BENCH_DATABASE_URL ?? databaseUrl(quick ? 'sp_bench_quick' : 'sp_bench');
const only = cli.value('only')?.split(',') as ScenarioName[] | undefined;
const targetList = (cli.value('targets')?.split(',') ?? ['ours', 'planned', 'text', 'raw', 'peer']) as TargetName[];
const wanted = (s: ScenarioName) => !only || only.includes(s);
/** The selected scenarios that `target` runs. */
const scenariosOf = (target: TargetName) =>
  (Object.keys(SCENARIOS) as ScenarioName[]).filter((s) => wanted(s) && SCENARIOS[s].targets.includes(target));
const serverNodeOption = cli.value('server-node') ?? '24';
if (!['system', '22', '24'].includes(serverNodeOption)) {
  console.error(`--server-node: system, 22 or 24, not ${serverNodeOption}`);
  process.exit(2);
}
/** Set by main: the servers' Node binary (installed on first use). */
let serverNode = '';
const JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
/** The fixtures every load run draws its students from (written by prepare). */
const FIXTURES_FILE = path.join(os.tmpdir(), `sp-bench-fixtures-${process.pid}.json`);
const log = (m: string) => console.log(`[bench] ${m}`);
const loadAverage = () => os.loadavg().map((x) => Math.round(x * 100) / 100);
const nodeVersion = (bin: string) => execFileSync(bin, ['-v']).toString().trim().replace(/^v/, '');

/** What the passes share: the fixtures and what they measured. */
interface Run {
  fx: Fixtures;
  reads: ScenarioName[];
  measurements: Measurement[];
  statements: StatementCount[];
  parity: Parity[];
}

// ---- cleanup on failure and ctrl-c ----

const running = new Set<RunningServer>();
let indexesDropped = false;
let mutating = false;
let cleaning: Promise<void> | null = null;
/** Once, whoever asks first (the signal handler or the failed main). */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    stopLoadWorker();
    await Promise.allSettled([...running].map((s) => s.stop()));
    if (indexesDropped)
      await restoreIndexes(dbUrl, log).catch((e: unknown) => log(`restoring indexes failed: ${String(e)}`));
    if (mutating) await cleanupMutations(dbUrl, log).catch((e: unknown) => log(`cleanup failed: ${String(e)}`));
  })();
  return cleaning;
}
let interrupted = false;
function onSignals() {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      log(`${signal}: stopping servers, restoring indexes and data…`);
      void cleanup().finally(() => process.exit(130));
    });
  }
}

async function startMutating() {
  mutating = true;
  await markMutating(dbUrl);
}
async function endMutating() {
  if (!mutating) return;
  await cleanupMutations(dbUrl, log);
  mutating = false;
}

const serverOptions = { poolSize: opts.poolSize, jwtSecret: JWT_SECRET, oursMain: cli.value('ours-main') };
async function start(target: TargetName, databaseUrl: string, env: Record<string, string> = {}) {
  const server = await startServer({ ...serverOptions, node: serverNode, target, databaseUrl, env });
  running.add(server);
  return server;
}
async function stop(server: RunningServer) {
  await server.stop();
  running.delete(server);
}

// ---- measuring ----

const base = (server: RunningServer) => ({
  url: server.url,
  target: server.target,
  fixturesFile: FIXTURES_FILE,
  seed: opts.seed,
  timeoutSec: 30,
});
/** What a run of `load` on `server` measured, from its CPU time (ms) before and PostgreSQL's during. */
const measured = (
  server: RunningServer,
  scenario: ScenarioName,
  variant: Variant,
  load: LoadResult,
  cpu0: number,
  dbMs: number,
) => ({
  target: server.target,
  scenario,
  variant,
  load,
  rssMb: server.peakRssMb(),
  serverCpuMsPerRequest: (server.cpuMs() - cpu0) / Math.max(1, load.requests),
  dbCpuMsPerRequest: dbMs / Math.max(1, load.requests),
});

/** Statements per request through the counting proxy: a fixed number of requests at 4 connections. */
async function countStatements(
  counter: SqlCounter,
  idlePerSec: number,
  spec: Omit<LoadSpec, 'connections' | 'amount'>,
): Promise<StatementCount> {
  counter.reset();
  const started = Date.now();
  const result = await runLoad({ ...spec, connections: 4, amount: opts.countRequests });
  if (!SCENARIOS[spec.scenario].read) {
    // The event bus works after each response: wait until the statement count settles.
    let last = -1;
    for (let i = 0; i < 40 && counter.total !== last; i++) {
      last = counter.total;
      await sleep(500);
    }
  }
  const idle = (idlePerSec * (Date.now() - started)) / 1000;
  const statements = Math.max(0, counter.total - idle);
  if (result.graphqlErrors) log(`  ${spec.scenario}: ${result.graphqlErrors} errors, e.g. ${result.firstError}`);
  return {
    target: spec.target,
    scenario: spec.scenario,
    pageSize: spec.pageSize ?? SCENARIOS[spec.scenario].pageSize,
    requests: result.requests,
    statements: Math.round(statements),
    perRequest: statements / Math.max(1, result.requests),
    dbBytesPerRequest: counter.bytesFromDb / Math.max(1, result.requests),
    top: counter.top(),
  };
}

const post = (server: RunningServer, body: string, token: string) => postJson(server.url, body, token);

const stable = (x: unknown): string =>
  JSON.stringify(x, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

/**
 * The same 5 sample requests per read scenario to `server` and to the reference (ours, else the
 * first of our servers), back to back: the servers' jobs write notifications as the run goes on
 * (reminders), so answers taken minutes apart may differ. The limit and our planned targets must
 * give the reference's `data` exactly; the peer its rows (ids in order, counts).
 */
async function checkParity(reference: RunningServer, server: RunningServer, fx: Fixtures): Promise<Parity[]> {
  const out: Parity[] = [];
  for (const scenario of READ_SCENARIOS.filter(wanted)) {
    let detail: string | undefined;
    for (let i = 0; i < 5 && !detail; i++) {
      const ask = (s: RunningServer) => {
        const req = readRequest(scenario, s.target, fx, new Prng(99, i));
        return post(s, req.body, req.token) as Promise<{ data?: unknown; errors?: unknown }>;
      };
      const ours = await ask(reference);
      const body = await ask(server);
      const exact = server.target !== 'peer';
      const [theirs, mine] = exact
        ? [body.data, ours.data]
        : [summarize(scenario, 'peer', body), summarize(scenario, reference.target, ours)];
      if (ours.errors || stable(theirs) !== stable(mine))
        detail = `sample ${i}: ${stable(theirs).slice(0, 400)} vs ${reference.target} ${stable(mine).slice(0, 400)}`;
    }
    out.push({ target: server.target, scenario, ok: !detail, detail });
  }
  if (server.target === 'raw' && wanted('mutations')) out.push(await checkWrites(reference, server, fx));
  return out;
}

/**
 * One cycle of the mutation mix on the reference, then the same one (student, course, title, due
 * date) on `server`: the same answers, but for the new rows' ids and the times and deletionIds.
 */
async function checkWrites(reference: RunningServer, server: RunningServer, fx: Fixtures): Promise<Parity> {
  await startMutating();
  const cycle = async (s: RunningServer) => {
    const ctx: MutationCycle = {};
    const answers: unknown[] = [];
    for (const step of mutationSteps(fx, new Prng(99), s.target, 'mutations')) {
      const req = step.build(ctx);
      answers.push(await post(s, req.body, req.token));
      step.after?.(ctx, JSON.stringify(answers.at(-1)));
    }
    const changing = (k: string, v: unknown) =>
      k === 'completedAt' || k === 'deletionId' ? typeof v : k === 'id' ? atob(String(v)).split(':')[0] : v;
    return stable(JSON.parse(JSON.stringify(answers, changing)));
  };
  const [mine, theirs] = [await cycle(reference), await cycle(server)];
  const detail = mine === theirs ? undefined : `${theirs.slice(0, 400)} vs ${reference.target} ${mine.slice(0, 400)}`;
  return { target: server.target, scenario: 'mutations', ok: !detail, detail };
}

/** One server under one scenario: warm-up, then the measured run with its CPU and RSS. */
async function measure(server: RunningServer, scenario: ScenarioName, variant: Variant): Promise<Measurement> {
  const spec = { ...base(server), scenario, connections: opts.connections };
  // Runs stop mid-cycle: courses deleted and not yet restored come back before the next run.
  const settle = async () => {
    if (SCENARIOS[scenario].read) return;
    await sleep(1000);
    await restoreBenchDeletions(dbUrl);
  };
  if (SCENARIOS[scenario].read) {
    const waited = await waitForAutovacuum(dbUrl);
    if (waited > 1000) log(`  (waited ${(waited / 1000).toFixed(0)} s for autovacuum to finish)`);
  }
  if (opts.warmupSec > 0) {
    await runLoad({ ...spec, duration: opts.warmupSec });
    await settle();
  }
  server.resetRss();
  const cpu0 = server.cpuMs();
  const db0 = await backendCpu(dbUrl);
  const load = await runLoad({ ...spec, duration: opts.durationSec });
  const m = measured(server, scenario, variant, load, cpu0, backendCpuDelta(db0, await backendCpu(dbUrl)));
  await settle();
  const errors = load.graphqlErrors + load.errors;
  log(
    `  ${server.target} ${scenario}${variant === 'unindexed' ? ' (no indexes)' : ''}: ${load.rps.toFixed(0)} req/s, ` +
      `p50 ${load.latency.p50} ms, p99 ${load.latency.p99} ms, RSS ${m.rssMb.toFixed(0)} MB, ` +
      `CPU/req ${m.serverCpuMsPerRequest.toFixed(2)} ms server + ${m.dbCpuMsPerRequest.toFixed(2)} ms PostgreSQL` +
      (errors ? `, ${errors} errors: ${load.firstError ?? ''}` : ''),
  );
  return m;
}

/**
 * Two servers under the same read scenario at the same time, half the connections each: whatever
 * the machine does in those seconds hits both alike, where two runs one after the other can
 * differ by 10–20%.
 */
async function measurePair(a: RunningServer, b: RunningServer, scenario: ScenarioName) {
  const connections = Math.max(1, Math.round(opts.connections / 2));
  const specs = [a, b].map((server) => ({ ...base(server), scenario, connections }));
  await waitForAutovacuum(dbUrl);
  if (opts.warmupSec > 0) await runLoads(specs.map((s) => ({ ...s, duration: opts.warmupSec })));
  const cpu0 = [a.cpuMs(), b.cpuMs()];
  const loads = await runLoads(specs.map((s) => ({ ...s, duration: opts.durationSec })));
  // PostgreSQL serves both at once: its CPU cannot be split between them.
  const out = [a, b].map((server, i) => measured(server, scenario, 'together', loads[i]!, cpu0[i]!, NaN));
  log(
    `  ${scenario}, side by side: ` +
      out.map((m) => `${m.target} ${m.load.rps.toFixed(0)} req/s, p99 ${m.load.latency.p99} ms`).join('; '),
  );
  return out;
}

/** One request per student, 8 at a time, so that each account is in ours's cache. */
async function warmAccountCache(server: RunningServer, fx: Fixtures) {
  const body = JSON.stringify({ query: '{ me { id } }' });
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < fx.students.length) await post(server, body, fx.students[next++]!.token);
    }),
  );
}

// ---- passes ----

/**
 * The counting pass of one target: the server talks to PostgreSQL through SqlCounter. The event
 * bus's poll timer would add statements no request caused: off for this pass (mutations still wake
 * the bus directly, so their event handling is counted). Ours caches the signed-in account for
 * VIEWER_CACHE_TTL_MS (30 s): counted in the steady state, every student's account cached (a long
 * TTL, and one request per student first). A client's first request in 30 s costs one statement more.
 */
async function countingPass(target: TargetName, scenarios: ScenarioName[], run: Run) {
  log(`${target}: counting SQL statements (${opts.countRequests} requests per scenario at 4 connections)`);
  const pgUrl = new URL(dbUrl);
  const counter = new SqlCounter({ host: pgUrl.hostname, port: Number(pgUrl.port || 5432) });
  pgUrl.host = `127.0.0.1:${await counter.start()}`;
  const quiet = { EVENT_POLL_INTERVAL_MS: '600000', ...(isOurs(target) ? { VIEWER_CACHE_TTL_MS: '600000' } : {}) };
  const counting = await start(target, pgUrl.toString(), quiet);
  try {
    if (isOurs(target)) await warmAccountCache(counting, run.fx);
    counter.reset();
    await sleep(2000);
    const idlePerSec = counter.total / 2;
    if (idlePerSec > 0) log(`  idle: ${idlePerSec.toFixed(1)} statements/s (subtracted)`);
    for (const scenario of scenarios) {
      if (!SCENARIOS[scenario].read) await startMutating();
      const sizes = target === 'ours' && SCENARIOS[scenario].read ? [SCENARIOS[scenario].pageSize, 5, 50] : [undefined];
      for (const pageSize of new Set(sizes)) {
        const spec = { ...base(counting), scenario, pageSize };
        const c = await countStatements(counter, idlePerSec, spec);
        run.statements.push(c);
        log(
          `  ${scenario}${pageSize ? ` (page ${pageSize})` : ''}: ${c.perRequest.toFixed(2)} statements/request, ` +
            `${(c.dbBytesPerRequest / 1024).toFixed(1)} KiB from PostgreSQL/request`,
        );
      }
    }
  } finally {
    await stop(counting);
    await counter.stop();
    await endMutating();
  }
}

/**
 * The timing pass, direct: every server up at once, sample answers compared with ours, and per
 * scenario the targets back to back, so that the ratios compare runs a minute apart, not the two
 * ends of a run (a shared machine's speed drifts over minutes). Then planned and text side by
 * side: the aim (within 10%) is finer than the drift between runs a minute apart. Returns the
 * servers of the write scenarios, still running; the others are stopped.
 */
async function timingPass(targets: TargetName[], run: Run): Promise<Map<TargetName, RunningServer>> {
  log(
    `timing: ${targets.join(', ')} (${opts.connections} connections, ${opts.warmupSec} s warm-up + ` +
      `${opts.durationSec} s per scenario, the targets back to back)`,
  );
  const servers = new Map<TargetName, RunningServer>();
  for (const target of targets) servers.set(target, await start(target, dbUrl));
  const reference = [...servers.values()].find((s) => isOurs(s.target));
  for (const server of servers.values())
    if (reference && server !== reference) run.parity.push(...(await checkParity(reference, server, run.fx)));
  for (const scenario of run.reads)
    for (const server of servers.values())
      if (SCENARIOS[scenario].targets.includes(server.target))
        run.measurements.push(await measure(server, scenario, 'indexed'));
  const [planned, text] = [servers.get('planned'), servers.get('text')];
  if (planned && text)
    for (const scenario of run.reads.filter((s) => SCENARIOS[s].targets.includes('planned')))
      run.measurements.push(...(await measurePair(planned, text, scenario)));
  for (const [target, server] of servers) {
    if (scenariosOf(target).some((s) => !SCENARIOS[s].read)) continue;
    await stop(server);
    servers.delete(target);
  }
  return servers;
}

/** Ours again on the reads with the secondary indexes dropped (restored after, also on failure). */
async function unindexedPass(server: RunningServer, run: Run) {
  log('ours: read scenarios with the secondary indexes dropped');
  indexesDropped = true;
  await dropSecondaryIndexes(dbUrl, log);
  try {
    // Quick mode: only the two reads the 10× target names, to stay under two minutes.
    const reads = quick
      ? run.reads.filter((r) => r === 'dashboard' || r === 'overdue')
      : run.reads.filter((r) => (READ_SCENARIOS as ScenarioName[]).includes(r));
    for (const scenario of reads) run.measurements.push(await measure(server, scenario, 'unindexed'));
  } finally {
    await restoreIndexes(dbUrl, log);
    indexesDropped = false;
  }
}

/** The subscription fan-out, when the schema has `taskUpdates`: subscribers spread over students, per transport. */
async function subscriptionScenario(
  server: RunningServer,
  fx: Fixtures,
): Promise<SubscriptionResult[] | { skipped: string }> {
  if (!wanted('mutations')) return { skipped: 'not selected' };
  if (cli.flag('no-subscriptions')) return { skipped: '--no-subscriptions' };
  const schema = readFileSync(path.join(ROOT, 'schema.graphql'), 'utf8');
  if (!/^\s+taskUpdates\b/m.test(schema)) return { skipped: 'no subscription yet' };
  await startMutating();
  // Subscribers spread over students as real traffic is: a few devices each, within the
  // per-account connection cap (WS_MAX_CONNECTIONS_PER_USER, 10).
  const perStudent = 5;
  const students = fx.students
    .filter((s) => s.courses.length > 0)
    .slice(0, (quick ? 10 : 1000) / perStudent)
    .map((s) => ({ token: s.token, courseId: globalId('Course', s.courses[0]!) }));
  const out: SubscriptionResult[] = [];
  for (const transport of ['ws', 'sse'] as const) {
    const r = await runSubscriptions({ url: server.url, students, perStudent, events: quick ? 5 : 200, transport });
    log(
      `  subscriptions (${transport}): ${r.delivered}/${r.expected} delivered, p50 ${r.latency.p50.toFixed(1)} ms, p99 ${r.latency.p99.toFixed(1)} ms`,
    );
    out.push(r);
  }
  return out;
}

/**
 * After the timing pass: ours alone (the others idle) on the reads without indexes and the
 * subscriptions; then the write scenarios, server by server (ours, the limit, the peer), each alone
 * with the database: ours's event bus would otherwise take up the limit's outbox rows.
 */
async function afterTiming(servers: Map<TargetName, RunningServer>, run: Run): Promise<BenchResults['subscriptions']> {
  const ours = servers.get('ours');
  try {
    if (ours && !cli.flag('no-unindexed') && run.reads.length) await unindexedPass(ours, run);
    const subscriptions = ours ? await subscriptionScenario(ours, run.fx) : { skipped: 'ours not selected' };
    for (const [target, server] of servers) {
      for (const scenario of scenariosOf(target).filter((s) => !SCENARIOS[s].read)) {
        await startMutating();
        run.measurements.push(await measure(server, scenario, 'indexed'));
      }
      await stop(server);
    }
    return subscriptions;
  } finally {
    for (const server of servers.values()) await stop(server);
    await endMutating();
  }
}

// ---- setup and results ----

/** Build, codegen, data, tokens: the fixtures every load run draws its students from. */
async function prepare(): Promise<Pick<BenchResults, 'data'> & Pick<Run, 'fx'>> {
  if (cli.value('ours-main')) log(`ours: ${cli.value('ours-main')} (not rebuilt)`);
  else {
    log('build: scripts/ensure-built.mjs (prisma generate and swc, for what changed)');
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'ensure-built.mjs')], { cwd: ROOT, stdio: 'inherit' });
  }
  // The read scenarios are the example app's documents as its codegen writes them.
  execFileSync('npm', ['run', '--silent', 'example:codegen'], { cwd: ROOT, stdio: 'inherit' });
  const data = await seedDatabase({ url: dbUrl, scale: opts.scale, seed: opts.seed, force: cli.flag('reseed'), log });
  const tokens = createTokenService({ secret: JWT_SECRET, expiresIn: '1d' });
  const students = await loadStudents(dbUrl);
  const today = new Date();
  today.setUTCHours(0, 0, 0, 0);
  const fx: Fixtures = {
    students: await Promise.all(students.map(async (s) => ({ ...s, token: await tokens.issue(s.id) }))),
    week: { from: today.toISOString(), to: new Date(today.getTime() + 7 * 86_400_000).toISOString() },
  };
  writeFileSync(FIXTURES_FILE, JSON.stringify(fx));
  log(`${fx.students.length} students with pre-minted tokens`);
  return { data, fx };
}

/** The read documents (the example app's as it sends them), published as app version bench 1.0.0, for `planned`. */
async function publishReadDocuments() {
  const db = createPrisma({ url: dbUrl, poolSize: 1 });
  try {
    const ctx = { db, now: () => new Date(), events: { notify() {} }, logger: createLogger('warn') };
    const manifest = readDocumentsManifest();
    await publishDocumentsAsOperator(ctx, { client: 'bench', version: '1.0.0', manifest, schema: getSchema() });
    log(`planned: published ${Object.keys(manifest).length} read documents (client bench 1.0.0)`);
  } finally {
    await db.$disconnect();
  }
}

/** The machine, for the record: other work on it skews every number. */
async function machine(loadAtStart: number[]): Promise<BenchResults['machine']> {
  const version = await withClient(dbUrl, (c) =>
    c.query<{ v: string }>(`SELECT split_part(version(), ' ', 2) AS v`).then((r) => r.rows[0]!.v),
  );
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: {
      'servers (ours, limit, peer)': nodeVersion(serverNode),
      'load generator and runner': process.versions.node,
    },
    postgres: `PostgreSQL ${version}`,
    loadAverage: { atStart: loadAtStart, atEnd: loadAverage() },
  };
}

function peerVersion(): BenchResults['peer'] {
  const pkg = path.join(ROOT, 'bench', 'node_modules', 'postgraphile', 'package.json');
  const { version } = JSON.parse(readFileSync(pkg, 'utf8')) as { version: string };
  return { name: 'postgraphile (amber preset, grafserv/node)', version };
}

async function main() {
  const startedAt = new Date();
  const loadAtStart = loadAverage();
  onSignals();
  ensureBenchDependencies();
  serverNode = serverNodeOption === 'system' ? systemNode() : ensureServerNode(serverNodeOption as '22' | '24');
  log(`mode: ${quick ? 'quick' : 'full'}; servers run on Node ${nodeVersion(serverNode)} (${serverNode})`);
  const { data, ...fixtures } = await prepare();
  const reads = [...READ_SCENARIOS, ...OURS_ONLY_READS].filter(wanted);
  const run: Run = { ...fixtures, reads, measurements: [], statements: [], parity: [] };
  if (run.reads.includes('notifications')) await seedNotifications(dbUrl, log);
  if (targetList.includes('planned')) await publishReadDocuments();

  const targets = targetList.filter((t) => scenariosOf(t).length > 0);
  if (!cli.flag('no-count')) for (const target of targets) await countingPass(target, scenariosOf(target), run);
  const subscriptions = await afterTiming(await timingPass(targets, run), run);
  stopLoadWorker();
  rmSync(FIXTURES_FILE, { force: true });

  const results: BenchResults = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: await machine(loadAtStart),
    options: opts,
    data,
    peer: targets.includes('peer') ? peerVersion() : { skipped: 'not run' },
    measurements: run.measurements,
    statements: run.statements,
    parity: run.parity,
    subscriptions,
  };
  console.log(renderText(results));
  log(`results: ${path.relative(ROOT, writeResults(results))}`);
  if (cli.flag('readme')) {
    const updated = await updateReadme(path.join(ROOT, 'bench', 'README.md'), results);
    log(updated ? 'bench/README.md table updated' : 'bench/README.md: no bench markers');
  }
  log(`done in ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s`);
}

main().then(
  () => process.exit(0),
  async (err: unknown) => {
    if (!interrupted) console.error(err);
    await cleanup();
    process.exit(interrupted ? 130 : 1);
  },
);

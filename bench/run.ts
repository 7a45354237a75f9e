/**
 * `npm run bench` (default scale, ~20 min on 2 cores) and `npm run bench -- --quick` (< 2 min).
 *
 *   1. build (scripts/ensure-built.mjs), seed or reuse the bench database (seed.ts)
 *   2. counting pass, per server (ours, planned, text, raw-SQL limit, PostGraphile peer): the
 *      server talks to PostgreSQL through SqlCounter; a fixed number of requests per scenario at 4
 *      connections gives SQL statements per request (ours also at page sizes 5 and 50)
 *   3. timing pass: every server up at once, talking to PostgreSQL directly; first sample responses
 *      compared with ours, then per scenario the servers back to back: a warm-up, then autocannon
 *      at N connections for the duration; CPU per request, peak server RSS
 *   4. ours only: the read scenarios again with the secondary indexes dropped (restored after,
 *      also on failure or ctrl-c), the mutation mix, and the subscription fan-out
 *   5. ours only: the read scenarios with observability off (production defaults) and on (metrics
 *      served, spans recorded and dropped), and a second off server (A/A), loaded side by side in
 *      rounds of fresh, profiled servers; then off and on one request at a time
 *   6. tables on stdout, JSON in bench/results/, `--readme` writes the table of bench/README.md
 *
 * Options: --quick, --scale <n>, --duration <s>, --warmup <s>, --connections <n>, --pool <n>,
 * --seed <n>, --reseed, --only <scenario,…>, --targets <ours,planned,text,raw,peer> (ours: the generic
 * path, PLANNED_EXECUTION=off; planned: sent the published document ids; text: planned, sent the
 * same text as ours; docs/planned-execution.md), --no-unindexed,
 * --no-subscriptions, --no-observability, --observability-on <both|metrics|tracing> and
 * --trace-sample <ratio> (what the observability pass's `on` turns on; default both, every trace),
 * --observability-rounds <n> (default 6; more narrow the interval of each change; OTEL_BSP_* in
 * the environment set on's batch span processor),
 * --no-count (skip the counting pass), --server-node <24|22|system> (default 24), --readme, --db <postgresql://…> (default: database
 * sp_bench, or sp_bench_quick with --quick, on the server of DATABASE_URL, else 127.0.0.1:5432),
 * --ours-main <path> (another build of the API to measure, for A/B comparisons).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createTokenService } from '../src/auth/tokens.js';
import { createPrisma } from '../src/db/client.js';
import { createLogger } from '../src/observability/logger.js';
import { getSchema } from '../src/schema/index.js';
import { publishDocumentsAsOperator } from '../src/versioning/documents/publish-documents.js';
import { dropSecondaryIndexes, restoreIndexes } from './indexes.js';
import { runLoad, runLoads, stopLoadWorker, type LoadSpec } from './load.js';
import { Prng } from './prng.js';
import { connectProfiler, INSPECT_OPTION, type Profiler } from './inspector.js';
import { profileShare, type ProfileShare } from './profile-share.js';
import {
  renderText,
  updateReadme,
  writeResults,
  type BenchResults,
  type Measurement,
  type ObservabilityResult,
  type Parity,
  type StatementCount,
  median,
  observabilityHeading,
  signed,
  spread,
  spreadText,
} from './report.js';
import {
  globalId,
  isOurs,
  READ_DOCUMENTS_MANIFEST,
  READ_SCENARIOS,
  readRequest,
  SCENARIOS,
  summarize,
  type Fixtures,
  type ScenarioName,
  type TargetName,
} from './scenarios.js';
import {
  cleanupMutations,
  loadStudents,
  markMutating,
  restoreBenchDeletions,
  waitForAutovacuum,
  seedDatabase,
  seedNotifications,
} from './seed.js';
import {
  backendCpu,
  backendCpuDelta,
  ensureServerNode,
  ROOT,
  startServer,
  systemNode,
  threadCpuMs,
  type RunningServer,
} from './servers.js';
import { SqlCounter } from './sql-counter.js';
import { runSubscriptions, type SubscriptionResult } from './subscriptions.js';
import { optionValue } from './args.js';

// ---- options ----

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const value = (name: string) => optionValue(name, argv);
const quick = flag('quick');
const opts = {
  quick,
  scale: Number(value('scale') ?? (quick ? 0.02 : 1)),
  seed: Number(value('seed') ?? 42),
  connections: Number(value('connections') ?? 32),
  durationSec: Number(value('duration') ?? (quick ? 2 : 20)),
  warmupSec: Number(value('warmup') ?? (quick ? 1 : 5)),
  poolSize: Number(value('pool') ?? 10),
  countRequests: quick ? 32 : 400,
};
/** Its own database, sp_bench(_quick), on the server of DATABASE_URL (or BENCH_DATABASE_URL / --db as given). */
function benchDatabaseUrl(): string {
  const explicit = value('db') ?? process.env.BENCH_DATABASE_URL;
  if (explicit) return explicit;
  const url = new URL(process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres');
  // Quick mode seeds a small data set: its own database, so the full one is kept for reuse.
  url.pathname = quick ? '/sp_bench_quick' : '/sp_bench';
  return url.toString();
}
const dbUrl = benchDatabaseUrl();
const only = value('only')?.split(',') as ScenarioName[] | undefined;
const targetList = (value('targets')?.split(',') ?? ['ours', 'planned', 'text', 'raw', 'peer']) as TargetName[];
const wanted = (s: ScenarioName) => !only || only.includes(s);
const serverNodeOption = value('server-node') ?? '24';
const serverNode =
  serverNodeOption === 'system'
    ? systemNode()
    : serverNodeOption === '22' || serverNodeOption === '24'
      ? ensureServerNode(serverNodeOption)
      : (() => {
          throw new Error(`--server-node: system, 22 or 24, not ${serverNodeOption}`);
        })();
const JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
const log = (m: string) => console.log(`[bench] ${m}`);
const nodeVersion = (bin: string) => execFileSync(bin, ['-v']).toString().trim().replace(/^v/, '');

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
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: stopping servers, restoring indexes and data…`);
    void cleanup().finally(() => process.exit(130));
  });
}

async function start(target: TargetName, databaseUrl: string, env: Record<string, string> = {}) {
  const server = await startServer({
    target,
    node: serverNode,
    databaseUrl,
    poolSize: opts.poolSize,
    jwtSecret: JWT_SECRET,
    oursMain: value('ours-main'),
    env,
  });
  running.add(server);
  return server;
}
async function stop(server: RunningServer) {
  await server.stop();
  running.delete(server);
}

// ---- passes ----

const base = (server: RunningServer, fixturesFile: string) => ({
  url: server.url,
  target: server.target,
  fixturesFile,
  seed: opts.seed,
  timeoutSec: 30,
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
  if (spec.scenario === 'mutations') {
    // The event bus works after each response: wait until the statement count settles.
    let last = -1;
    for (let i = 0; i < 40 && counter.total !== last; i++) {
      last = counter.total;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  const idle = (idlePerSec * (Date.now() - started)) / 1000;
  const statements = Math.max(0, counter.total - idle);
  const pageSize = spec.pageSize ?? SCENARIOS[spec.scenario].pageSize;
  if (result.graphqlErrors) log(`  ${spec.scenario}: ${result.graphqlErrors} errors, e.g. ${result.firstError}`);
  return {
    target: spec.target,
    scenario: spec.scenario,
    pageSize,
    requests: result.requests,
    statements: Math.round(statements),
    perRequest: statements / Math.max(1, result.requests),
    dbBytesPerRequest: counter.bytesFromDb / Math.max(1, result.requests),
    top: counter.top(),
  };
}

async function post(server: RunningServer, body: string, token: string): Promise<any> {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });
  return res.json();
}

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
    let ok = true;
    let detail: string | undefined;
    for (let i = 0; i < 5 && ok; i++) {
      const ask = (s: RunningServer) => {
        const req = readRequest(scenario, s.target, fx, new Prng(99, i));
        return post(s, req.body, req.token);
      };
      const ours = await ask(reference);
      const body = await ask(server);
      const exact = server.target !== 'peer';
      const [theirs, mine] = exact
        ? [body, ours]
        : [summarize(scenario, 'peer', body), summarize(scenario, reference.target, ours)];
      if (ours.errors || stable(exact ? theirs.data : theirs) !== stable(exact ? mine.data : mine)) {
        ok = false;
        detail = `sample ${i}: ${stable(theirs).slice(0, 400)} vs ${reference.target} ${stable(mine).slice(0, 400)}`;
      }
    }
    out.push({ target: server.target, scenario, ok, detail });
  }
  return out;
}

async function measure(
  server: RunningServer,
  fixturesFile: string,
  scenario: ScenarioName,
  variant: Measurement['variant'],
  run: { skipWarmup?: boolean; durationSec?: number; connections?: number } = {},
): Promise<Measurement> {
  const spec = {
    ...base(server, fixturesFile),
    scenario,
    connections: run.connections ?? opts.connections,
  };
  // Runs stop mid-cycle: courses deleted and not yet restored come back before the next run.
  const settle = async () => {
    if (scenario !== 'mutations') return;
    await new Promise((r) => setTimeout(r, 1000));
    await restoreBenchDeletions(dbUrl);
  };
  if (scenario !== 'mutations') {
    const waited = await waitForAutovacuum(dbUrl);
    if (waited > 1000) log(`  (waited ${(waited / 1000).toFixed(0)} s for autovacuum to finish)`);
  }
  if (opts.warmupSec > 0 && !run.skipWarmup) {
    await runLoad({ ...spec, duration: opts.warmupSec });
    await settle();
  }
  server.resetRss();
  const cpu0 = server.cpuMs();
  const db0 = await backendCpu(dbUrl);
  const load = await runLoad({ ...spec, duration: run.durationSec ?? opts.durationSec });
  const db1 = await backendCpu(dbUrl);
  const n = Math.max(1, load.requests);
  const m: Measurement = {
    target: server.target,
    scenario,
    variant,
    load,
    rssMb: server.peakRssMb(),
    serverCpuMsPerRequest: (server.cpuMs() - cpu0) / n,
    dbCpuMsPerRequest: backendCpuDelta(db0, db1) / n,
  };
  await settle();
  log(
    `  ${server.target} ${scenario}${variant === 'unindexed' ? ' (no indexes)' : ''}: ${load.rps.toFixed(0)} req/s, ` +
      `p50 ${load.latency.p50} ms, p99 ${load.latency.p99} ms, RSS ${m.rssMb.toFixed(0)} MB, ` +
      `CPU/req ${m.serverCpuMsPerRequest.toFixed(2)} ms server + ${m.dbCpuMsPerRequest.toFixed(2)} ms PostgreSQL` +
      (load.graphqlErrors || load.errors
        ? `, ${load.graphqlErrors + load.errors} errors: ${load.firstError ?? ''}`
        : ''),
  );
  return m;
}

/**
 * Servers under the same read scenario at the same time, sharing the connections equally: whatever
 * the machine does in those seconds (other tenants, frequency, the drift of a shared VM) hits all
 * of them alike, where two runs one after the other can differ by 10–20%.
 */
async function measureTogether<K extends string>(
  servers: Record<K, RunningServer>,
  fixturesFile: string,
  scenario: ScenarioName,
  run: { skipWarmup?: boolean; durationSec: number },
): Promise<Record<K, Measurement>> {
  const names = Object.keys(servers) as K[];
  const specs = names.map((name) => ({
    ...base(servers[name], fixturesFile),
    scenario,
    connections: Math.max(1, Math.round(opts.connections / names.length)),
  }));
  await waitForAutovacuum(dbUrl);
  if (opts.warmupSec > 0 && !run.skipWarmup) await runLoads(specs.map((s) => ({ ...s, duration: opts.warmupSec })));
  const mainThreadMs = (name: K) => threadCpuMs(servers[name].pid).MainThread ?? NaN;
  const cpu0 = names.map((name) => servers[name].cpuMs());
  const main0 = names.map(mainThreadMs);
  const loads = await runLoads(specs.map((s) => ({ ...s, duration: run.durationSec })));
  const out = {} as Record<K, Measurement>;
  names.forEach((name, i) => {
    const load = loads[i]!;
    out[name] = {
      target: servers[name].target,
      scenario,
      variant: 'indexed',
      load,
      rssMb: servers[name].peakRssMb(),
      serverCpuMsPerRequest: (servers[name].cpuMs() - cpu0[i]!) / Math.max(1, load.requests),
      mainThreadCpuMsPerRequest: (mainThreadMs(name) - main0[i]!) / Math.max(1, load.requests),
      // PostgreSQL serves them all at once: its CPU cannot be split between them.
      dbCpuMsPerRequest: NaN,
    };
  });
  log(
    `  ${scenario}, side by side: ` +
      names
        .map((name) => {
          const m = out[name];
          const errors = m.load.graphqlErrors + m.load.errors;
          return `${name} ${m.load.rps.toFixed(0)} req/s, CPU/req ${m.serverCpuMsPerRequest.toFixed(2)} ms${errors ? `, ${errors} errors: ${m.load.firstError ?? ''}` : ''}`;
        })
        .join('; '),
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

/** The counting pass: the server talks to PostgreSQL through SqlCounter. */
async function countingPass(
  target: TargetName,
  scenarios: ScenarioName[],
  fx: Fixtures,
  fixturesFile: string,
  statements: StatementCount[],
) {
  const pgUrl = new URL(dbUrl);
  log(`${target}: counting SQL statements (${opts.countRequests} requests per scenario at 4 connections)`);
  const counter = new SqlCounter({ host: pgUrl.hostname, port: Number(pgUrl.port || 5432) });
  const proxyPort = await counter.start();
  const proxied = new URL(dbUrl);
  proxied.host = `127.0.0.1:${proxyPort}`;
  // The event bus's poll timer would add statements no request caused: off for this pass
  // (mutations still wake the bus directly, so their event handling is counted).
  // Ours caches the signed-in account for VIEWER_CACHE_TTL_MS (30 s): counted in the steady state,
  // every student's account cached (a long TTL, so it does not lapse during the pass, and one
  // request per student first). A client's first request in 30 s costs one statement more.
  const counting = await start(target, proxied.toString(), {
    EVENT_POLL_INTERVAL_MS: '600000',
    ...(isOurs(target) ? { VIEWER_CACHE_TTL_MS: '600000' } : {}),
  });
  try {
    if (isOurs(target)) await warmAccountCache(counting, fx);
    counter.reset();
    await new Promise((r) => setTimeout(r, 2000));
    const idlePerSec = counter.total / 2;
    if (idlePerSec > 0) log(`  idle: ${idlePerSec.toFixed(1)} statements/s (subtracted)`);
    for (const scenario of scenarios) {
      if (scenario === 'mutations') {
        mutating = true;
        await markMutating(dbUrl);
      }
      const sizes = target === 'ours' && scenario !== 'mutations' ? [SCENARIOS[scenario].pageSize, 5, 50] : [undefined];
      for (const pageSize of [...new Set(sizes)]) {
        const c = await countStatements(counter, idlePerSec, { ...base(counting, fixturesFile), scenario, pageSize });
        statements.push(c);
        log(
          `  ${scenario}${pageSize ? ` (page ${pageSize})` : ''}: ${c.perRequest.toFixed(2)} statements/request, ` +
            `${(c.dbBytesPerRequest / 1024).toFixed(1)} KiB from PostgreSQL/request`,
        );
      }
    }
  } finally {
    await stop(counting);
    await counter.stop();
    if (mutating) {
      await cleanupMutations(dbUrl, log);
      mutating = false;
    }
  }
}

/** The read documents (the example app's as it sends them), published as app version bench 1.0.0, for `planned`. */
async function publishReadDocuments() {
  const db = createPrisma({ url: dbUrl, poolSize: 1 });
  try {
    const ctx = { db, now: () => new Date(), events: { notify() {} }, logger: createLogger('warn') };
    const manifest = READ_DOCUMENTS_MANIFEST;
    await publishDocumentsAsOperator(ctx, { client: 'bench', version: '1.0.0', manifest, schema: getSchema() });
    log(`planned: published ${Object.keys(manifest).length} read documents (client bench 1.0.0)`);
  } finally {
    await db.$disconnect();
  }
}

async function pgVersion(): Promise<string> {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>(`SELECT split_part(version(), ' ', 2) AS v`);
    return `PostgreSQL ${rows[0]!.v}`;
  } finally {
    await client.end();
  }
}

async function main() {
  const startedAt = new Date();
  const t0 = Date.now();
  // Other work on the machine skews every number: recorded with the results.
  const loadAtStart = os.loadavg().map((x) => Math.round(x * 100) / 100);
  const notes: string[] = [];
  log(`mode: ${quick ? 'quick' : 'full'}; servers run on Node ${nodeVersion(serverNode)} (${serverNode})`);

  if (value('ours-main')) log(`ours: ${value('ours-main')} (not rebuilt)`);
  else {
    log('build: scripts/ensure-built.mjs (prisma generate and swc, for what changed)');
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'ensure-built.mjs')], { cwd: ROOT, stdio: 'inherit' });
  }

  const data = await seedDatabase({ url: dbUrl, scale: opts.scale, seed: opts.seed, force: flag('reseed'), log });
  const tokens = createTokenService({ secret: JWT_SECRET, expiresIn: '1d' });
  const students = await loadStudents(dbUrl);
  const today = new Date();
  today.setUTCHours(0, 0, 0, 0);
  const fx: Fixtures = {
    students: await Promise.all(students.map(async (s) => ({ ...s, token: await tokens.issue(s.id) }))),
    week: { from: today.toISOString(), to: new Date(today.getTime() + 7 * 86_400_000).toISOString() },
  };
  const fixturesFile = path.join(os.tmpdir(), `sp-bench-fixtures-${process.pid}.json`);
  writeFileSync(fixturesFile, JSON.stringify(fx));
  log(`${fx.students.length} students with pre-minted tokens`);

  const measurements: Measurement[] = [];
  const statements: StatementCount[] = [];
  const parity: Parity[] = [];
  const reads = READ_SCENARIOS.filter(wanted);
  if (reads.includes('notifications')) await seedNotifications(dbUrl, log);
  if (targetList.includes('planned')) await publishReadDocuments();
  let subscriptions: SubscriptionResult[] | { skipped: string } = { skipped: 'not run' };
  let peer: BenchResults['peer'] = { skipped: 'not run' };

  // a. counting pass per target, through the proxy (its own server each time).
  const wantedTargets = targetList.filter((target) => reads.length > 0 || (target === 'ours' && wanted('mutations')));
  for (const target of wantedTargets) {
    const scenarios: ScenarioName[] =
      target === 'ours' && wanted('mutations') ? [...reads, 'mutations' as const] : reads;
    if (target === 'peer') {
      const pkg = path.join(ROOT, 'node_modules', 'postgraphile', 'package.json');
      const version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
      peer = { name: 'postgraphile (amber preset, grafserv/node)', version };
    }
    if (!flag('no-count')) await countingPass(target, scenarios, fx, fixturesFile, statements);
  }

  // b. timing pass, direct: every server up at once, and per scenario the targets back to back,
  // so that the ratios compare runs a minute apart, not the two ends of a run (a shared machine's
  // speed drifts over minutes).
  log(
    `timing: ${wantedTargets.join(', ')} (${opts.connections} connections, ${opts.warmupSec} s warm-up + ` +
      `${opts.durationSec} s per scenario, the targets back to back)`,
  );
  const servers = new Map<TargetName, RunningServer>();
  try {
    for (const target of wantedTargets) servers.set(target, await start(target, dbUrl));
    const reference = [...servers.values()].find((s) => isOurs(s.target));
    for (const server of servers.values())
      if (reference && server !== reference) parity.push(...(await checkParity(reference, server, fx)));
    for (const scenario of reads) {
      for (const server of servers.values())
        measurements.push(await measure(server, fixturesFile, scenario, 'indexed'));
    }
    // Text against published, loaded in the same seconds: the aim (within 10%) is finer than the
    // drift between runs a minute apart.
    const [planned, text] = [servers.get('planned'), servers.get('text')];
    for (const scenario of planned && text ? reads : []) {
      const pair = await measureTogether({ planned: planned!, text: text! }, fixturesFile, scenario, opts);
      measurements.push({ ...pair.planned, variant: 'together' }, { ...pair.text, variant: 'together' });
    }
    for (const [target, server] of servers) {
      if (target === 'ours') continue;
      servers.delete(target);
      await stop(server);
    }
    const server = servers.get('ours');
    if (server && !flag('no-unindexed') && reads.length) {
      log('ours: read scenarios with the secondary indexes dropped');
      indexesDropped = true;
      await dropSecondaryIndexes(dbUrl, log);
      try {
        // Quick mode: only the two reads the 10× target names, to stay under two minutes.
        const unindexed = quick ? reads.filter((r) => r === 'dashboard' || r === 'overdue') : reads;
        for (const scenario of unindexed) measurements.push(await measure(server, fixturesFile, scenario, 'unindexed'));
      } finally {
        await restoreIndexes(dbUrl, log);
        indexesDropped = false;
      }
    }
    if (server && wanted('mutations')) {
      mutating = true;
      await markMutating(dbUrl);
      measurements.push(await measure(server, fixturesFile, 'mutations', 'indexed'));
    }
    if (server) subscriptions = await subscriptionScenario(server, fx);
  } finally {
    for (const server of servers.values()) await stop(server);
    if (mutating) {
      await cleanupMutations(dbUrl, log);
      mutating = false;
    }
  }

  const observability =
    targetList.includes('ours') && reads.length > 0 && !flag('no-observability')
      ? await observabilityPass(reads, fixturesFile)
      : { skipped: flag('no-observability') ? '--no-observability' : 'ours or reads not selected' };

  stopLoadWorker();
  rmSync(fixturesFile, { force: true });
  const results: BenchResults = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      node: {
        'servers (ours, limit, peer)': nodeVersion(serverNode),
        'load generator and runner': process.versions.node,
      },
      postgres: await pgVersion(),
      loadAverage: { atStart: loadAtStart, atEnd: os.loadavg().map((x) => Math.round(x * 100) / 100) },
    },
    options: opts,
    data,
    peer,
    measurements,
    statements,
    parity,
    subscriptions,
    observability,
    notes,
  };
  console.log(renderText(results));
  const file = writeResults(results);
  log(`results: ${path.relative(ROOT, file)}`);
  if (flag('readme')) {
    const updated = await updateReadme(path.join(ROOT, 'bench', 'README.md'), results);
    log(updated ? 'bench/README.md table updated' : 'bench/README.md: no bench markers');
  }
  log(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

/**
 * What `on` turns on: `--observability-on both` (default), `metrics` or `tracing`; metrics are served
 * behind a token, as in production; spans are recorded and dropped (no exporter), every trace
 * unless `--trace-sample <ratio>` gives the OTEL_TRACES_SAMPLER_ARG of a sampled setup.
 */
const observabilityOn = value('observability-on') ?? 'both';
if (!['both', 'metrics', 'tracing'].includes(observabilityOn)) {
  throw new Error('--observability-on: both, metrics or tracing');
}
const traceSampleRatio = Number(value('trace-sample') ?? 1);
if (!(traceSampleRatio >= 0 && traceSampleRatio <= 1)) throw new Error('--trace-sample: a ratio from 0 to 1');
/**
 * The batch span processor's settings (OTEL_BSP_MAX_EXPORT_BATCH_SIZE, OTEL_BSP_SCHEDULE_DELAY,
 * OTEL_BSP_MAX_QUEUE_SIZE, read by the OpenTelemetry SDK) reach `on` from the bench's environment:
 * how long spans wait for export is part of what tracing costs.
 */
const batchSettings = Object.fromEntries(
  Object.entries(process.env).filter((e): e is [string, string] => e[0].startsWith('OTEL_BSP_') && e[1] !== undefined),
);
const batchText = Object.entries(batchSettings)
  .map(([name, setting]) => `${name}=${setting}`)
  .join(', ');
const OBSERVABILITY_ON: Record<string, string> = {
  ...(observabilityOn !== 'tracing' ? { METRICS_TOKEN: 'bench-metrics-token-0123456789' } : {}),
  ...(observabilityOn !== 'metrics'
    ? { TRACING_RECORD_ONLY: 'true', OTEL_TRACES_SAMPLER_ARG: String(traceSampleRatio), ...batchSettings }
    : {}),
};
/** `on` in words, for the tables. */
const observabilityOnText = [
  ...(observabilityOn !== 'tracing' ? ['metrics served'] : []),
  ...(observabilityOn !== 'metrics'
    ? [
        (traceSampleRatio === 1 ? 'every span recorded' : `${traceSampleRatio} of traces recorded`) +
          (batchText ? ` (${batchText})` : ''),
      ]
    : []),
].join(' and ');
/**
 * Rounds of the observability pass. Each round starts fresh servers: two processes of the same
 * build can differ by 5–10% in CPU per request for as long as they run (what the JIT made of them,
 * where the scheduler put them), so rounds on the same processes repeat one draw; fresh ones each
 * round make the rounds independent. Each scenario's full-load part is as long as a run (at least 10 s).
 */
const OBSERVABILITY_ROUNDS = Number(value('observability-rounds') ?? (quick ? 1 : 6));
if (!(Number.isInteger(OBSERVABILITY_ROUNDS) && OBSERVABILITY_ROUNDS >= 1)) {
  throw new Error('--observability-rounds: a whole number of rounds, at least 1');
}
const sideBySideSec = quick ? opts.durationSec : Math.max(10, opts.durationSec);
/**
 * Then off and on one request at a time (one connection), one after the other, in turn first: the
 * latency a request sees on a server that is not saturated (at saturation, p50 is connections /
 * throughput, so any change of throughput moves it by milliseconds).
 */
const observabilityRoundSec = quick ? opts.durationSec : Math.max(3, Math.round(opts.durationSec / 3));

type ObservabilityServer = 'off' | 'on' | 'again';
/**
 * After each scenario's full-load run, the three servers are loaded side by side again for this
 * long with V8's sampler on in all three (1 kHz, over the inspector): where their CPU went. A
 * profiled run is slower, so it is not one of the measured ones.
 */
const observabilityProfileSec = quick ? 1 : 5;
const pct = (a: number, b: number) => ((a - b) / b) * 100;

/**
 * The read scenarios with observability off and on, and a second off server (`again`, the A/A
 * control: how far two identical servers differ is the noise floor of every change). Per round:
 * the three servers start fresh (in a rotated order, which also rotates their places in the load
 * process); per scenario, a warm-up and a full-load run of all three side by side, a third of the
 * connections each (measureTogether: the machine's drift hits all three in the same seconds), then
 * off and on on one connection. Each change is the median of the rounds' changes, with their range.
 */
async function observabilityPass(reads: ScenarioName[], fixturesFile: string): Promise<ObservabilityResult[]> {
  log(
    `ours: read scenarios with observability off and on (${observabilityOnText}, no exporter), ` +
      `${OBSERVABILITY_ROUNDS} round(s) of fresh servers: off, on and a second off server side by side, then off and on on one connection`,
  );
  const fx = JSON.parse(readFileSync(fixturesFile, 'utf8')) as Fixtures;
  const full = new Map<ScenarioName, Record<ObservabilityServer, Measurement>[]>(reads.map((s) => [s, []]));
  const single = new Map<ScenarioName, Record<'off' | 'on', Measurement>[]>(reads.map((s) => [s, []]));
  // Where the servers' CPU went, from their profiles, per round and scenario.
  const shares = new Map<ScenarioName, Record<'off' | 'on', ProfileShare>[]>(reads.map((s) => [s, []]));
  const names: ObservabilityServer[] = ['off', 'on', 'again'];
  for (let round = 0; round < OBSERVABILITY_ROUNDS; round += 1) {
    log(`  round ${round + 1}/${OBSERVABILITY_ROUNDS}: fresh servers`);
    const order = names.map((_, i) => names[(i + round) % names.length]!);
    const servers = {} as Record<ObservabilityServer, RunningServer>;
    const profilers = {} as Record<ObservabilityServer, Profiler>;
    try {
      for (const name of order) {
        servers[name] = await start('ours', dbUrl, {
          ...(name === 'on' ? OBSERVABILITY_ON : {}),
          NODE_OPTIONS: INSPECT_OPTION,
        });
        profilers[name] = await connectProfiler(servers[name].output());
      }
      for (const name of order) await warmAccountCache(servers[name], fx);
      for (const scenario of reads) {
        full
          .get(scenario)!
          .push(await measureTogether(servers, fixturesFile, scenario, { durationSec: sideBySideSec }));
        await Promise.all(names.map((name) => profilers[name].start(1000)));
        await measureTogether(servers, fixturesFile, scenario, {
          skipWarmup: true,
          durationSec: observabilityProfileSec,
        });
        const profiles = await Promise.all(names.map((name) => profilers[name].stop()));
        // BENCH_PROFILE_DIR keeps them, to open in DevTools or compare (bench/profile-share.ts).
        if (process.env.BENCH_PROFILE_DIR) {
          mkdirSync(process.env.BENCH_PROFILE_DIR, { recursive: true });
          profiles.forEach((profile, i) =>
            writeFileSync(
              path.join(process.env.BENCH_PROFILE_DIR!, `round${round + 1}-${scenario}-${names[i]}.cpuprofile`),
              JSON.stringify(profile),
            ),
          );
        }
        const shareOf = (name: 'off' | 'on') => profileShare(profiles[names.indexOf(name)]!);
        shares.get(scenario)!.push({ off: shareOf('off'), on: shareOf('on') });
        const pair = {} as Record<'off' | 'on', Measurement>;
        for (const name of round % 2 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
          pair[name] = await measure(servers[name], fixturesFile, scenario, 'indexed', {
            skipWarmup: true,
            durationSec: observabilityRoundSec,
            connections: 1,
          });
        }
        single.get(scenario)!.push(pair);
      }
    } finally {
      for (const profiler of Object.values(profilers)) profiler.close();
      for (const server of Object.values(servers)) await stop(server);
    }
  }

  const results: ObservabilityResult[] = reads.map((scenario) => {
    const rounds = full.get(scenario)!;
    const pairs = single.get(scenario)!;
    const of = (name: ObservabilityServer) => ({
      rps: median(rounds.map((r) => r[name].load.rps)),
      p50: median(rounds.map((r) => r[name].load.latency.p50)),
      p99: median(rounds.map((r) => r[name].load.latency.p99)),
      cpuMsPerRequest: median(rounds.map((r) => r[name].serverCpuMsPerRequest)),
    });
    /** A figure's change over the rounds, `name` against off: on (the cost) or again (A/A, the noise). */
    const change = (figure: (m: Measurement) => number, name: 'on' | 'again') =>
      spread(rounds.map((r) => pct(figure(r[name]), figure(r.off))));
    const rps = (m: Measurement) => m.load.rps;
    const cpu = (m: Measurement) => m.serverCpuMsPerRequest;
    const mainThread = (m: Measurement) => m.mainThreadCpuMsPerRequest ?? NaN;
    return {
      scenario,
      onText: observabilityOnText,
      rounds: rounds.length,
      roundSec: sideBySideSec,
      off: of('off'),
      on: of('on'),
      throughput: change(rps, 'on'),
      aaThroughput: change(rps, 'again'),
      p50ChangeMs: median(rounds.map((r) => r.on.load.latency.p50 - r.off.load.latency.p50)),
      cpu: change(cpu, 'on'),
      aaCpu: change(cpu, 'again'),
      mainThreadCpu: change(mainThread, 'on'),
      aaMainThreadCpu: change(mainThread, 'again'),
      profile: {
        instrumentation: spread(shares.get(scenario)!.map((r) => r.on.instrumentationPct)),
        gcOff: median(shares.get(scenario)!.map((r) => r.off.gcPct)),
        gcOn: median(shares.get(scenario)!.map((r) => r.on.gcPct)),
      },
      oneConnection: {
        rounds: pairs.length,
        roundSec: observabilityRoundSec,
        off: {
          p50: median(pairs.map((p) => p.off.load.latency.p50)),
          mean: median(pairs.map((p) => p.off.load.latency.mean)),
        },
        on: {
          p50: median(pairs.map((p) => p.on.load.latency.p50)),
          mean: median(pairs.map((p) => p.on.load.latency.mean)),
        },
        p50ChangeMs: median(pairs.map((p) => p.on.load.latency.p50 - p.off.load.latency.p50)),
        meanChangeMs: median(pairs.map((p) => p.on.load.latency.mean - p.off.load.latency.mean)),
      },
    };
  });
  console.log(`\n${observabilityHeading(results[0])}`);
  console.log(
    'scenario        off req/s   on req/s   change (interval)           A/A change (interval)      server CPU ms/req off → on, change (interval)   A/A CPU change (interval)   one connection: p50 off → on (change), mean change',
  );
  for (const r of results) {
    const oc = r.oneConnection;
    console.log(
      `${r.scenario.padEnd(15)} ${r.off.rps.toFixed(0).padStart(9)} ${r.on.rps.toFixed(0).padStart(10)}   ` +
        `${spreadText(r.throughput).padEnd(27)} ${spreadText(r.aaThroughput).padEnd(26)} ` +
        `${r.off.cpuMsPerRequest.toFixed(2)} → ${r.on.cpuMsPerRequest.toFixed(2)}, ${spreadText(r.cpu).padEnd(31)} ` +
        `${spreadText(r.aaCpu).padEnd(24)} ` +
        `${oc.off.p50} → ${oc.on.p50} ms (${signed(oc.p50ChangeMs, 1)} ms), ${signed(oc.meanChangeMs, 2)} ms`,
    );
  }
  console.log(
    `\nWhere on's main thread spent its CPU at full load (V8 profiles of the three servers, ${observabilityProfileSec} s side by side per round after the measured run):`,
  );
  console.log(
    'scenario        main-thread CPU/req change (interval)   A/A (interval)             in metrics and tracing code (range of rounds)   GC share off → on',
  );
  for (const r of results) {
    const { instrumentation: i, gcOff, gcOn } = r.profile;
    console.log(
      `${r.scenario.padEnd(15)} ${spreadText(r.mainThreadCpu!).padEnd(39)} ${spreadText(r.aaMainThreadCpu!).padEnd(26)} ` +
        `${`${i.median.toFixed(2)}% (${i.min.toFixed(2)} … ${i.max.toFixed(2)})`.padEnd(47)} ` +
        `${gcOff.toFixed(1)}% → ${gcOn.toFixed(1)}%`,
    );
  }
  return results;
}

/** Scenario 5, when the schema has `taskUpdates`; one student, N subscribers per transport. */
async function subscriptionScenario(
  server: RunningServer,
  fx: Fixtures,
): Promise<SubscriptionResult[] | { skipped: string }> {
  if (!wanted('mutations') && only) return { skipped: 'not selected' };
  if (flag('no-subscriptions')) return { skipped: '--no-subscriptions' };
  const schema = readFileSync(path.join(ROOT, 'schema.graphql'), 'utf8');
  if (!/^\s+taskUpdates\b/m.test(schema)) {
    log('subscriptions: skipped: no subscription yet');
    return { skipped: 'no subscription yet' };
  }
  mutating = true;
  await markMutating(dbUrl);
  const student = fx.students.find((s) => s.courses.length > 0)!;
  const out: SubscriptionResult[] = [];
  for (const transport of ['ws', 'sse'] as const) {
    const r = await runSubscriptions({
      url: server.url,
      token: student.token,
      courseId: globalId('Course', student.courses[0]!),
      subscribers: quick ? 10 : 100,
      events: quick ? 5 : 30,
      transport,
    });
    log(
      `  subscriptions (${transport}): ${r.delivered}/${r.expected} delivered, p50 ${r.latency.p50.toFixed(1)} ms, p99 ${r.latency.p99.toFixed(1)} ms`,
    );
    out.push(r);
  }
  return out;
}

main().then(
  () => process.exit(0),
  async (err: unknown) => {
    if (!interrupted) console.error(err);
    await cleanup();
    process.exit(interrupted ? 130 : 1);
  },
);

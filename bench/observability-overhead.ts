/**
 * `npx tsx bench/observability-overhead.ts [--scenario overdue] [--blocks 24] [--requests 500]
 * [--variants again,metrics,tracing,both,sampled,unsampled]`: the server CPU per request that metrics and
 * tracing add, finer than the throughput of `npm run bench`. One server per variant (dist/main.js on the bench's
 * Node 24, so each has its own process-wide context manager), all on the bench data set (database
 * sp_bench, seeded as `npm run bench` does). Requests go one at a time to each server in turn, so
 * the machine's drift hits every variant within milliseconds; each block of `--requests` rounds
 * reads every server's CPU time from /proc; `again` is a second server with the defaults (A/A).
 * It prints each variant's median CPU per request and the median of its per-block ratios to `off`,
 * then each variant's CPU per request by thread (main thread, V8's helper threads, libuv's pool).
 * Requests are sequential: the servers idle between them, so background work (the default
 * process metrics' event-loop timer) weighs more here than at full load.
 */
import http from 'node:http';
import { createTokenService } from '../src/auth/tokens.js';
import { Prng } from './prng.js';
import { median } from './report.js';
import { READ_SCENARIOS, readRequest, type Fixtures, type ReadScenario } from './scenarios.js';
import { loadStudents, seedDatabase } from './seed.js';
import { ensureServerNode, startServer, threadCpuMs, type RunningServer } from './servers.js';
import { optionValue } from './args.js';

const argv = process.argv.slice(2);
const value = (name: string) => optionValue(name, argv);
const scenario = (value('scenario') ?? 'overdue') as ReadScenario;
if (!READ_SCENARIOS.includes(scenario)) throw new Error(`--scenario: one of ${READ_SCENARIOS.join(', ')}`);
const BLOCKS = Number(value('blocks') ?? 24);
const PER_BLOCK = Number(value('requests') ?? 500);

const METRICS = { METRICS_TOKEN: 'bench-metrics-token-0123456789' };
const TRACING = { TRACING_RECORD_ONLY: 'true' };
const VARIANTS: Record<string, Record<string, string>> = {
  off: {},
  // A second server with the defaults (A/A): how far two identical servers differ here.
  again: {},
  metrics: METRICS,
  tracing: TRACING,
  both: { ...METRICS, ...TRACING },
  // Both, with one trace in ten recorded (the others: the sampling decision and no spans).
  sampled: { ...METRICS, ...TRACING, OTEL_TRACES_SAMPLER_ARG: '0.1' },
  // Both, with no trace recorded: what every request pays for the sampling decision.
  unsampled: { ...METRICS, ...TRACING, OTEL_TRACES_SAMPLER_ARG: '0' },
};
const names = ['off', ...(value('variants')?.split(',') ?? Object.keys(VARIANTS)).filter((n) => n !== 'off')];
for (const name of names) if (!VARIANTS[name]) throw new Error(`--variants: ${Object.keys(VARIANTS).join(', ')}`);

const JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
const base = new URL(
  process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/x',
);
if (!process.env.BENCH_DATABASE_URL) base.pathname = '/sp_bench';
const dbUrl = base.toString();
const log = (m: string) => console.log(`[overhead] ${m}`);

// The data set of `npm run bench` (scale 1, seed 42): reused when it is there.
await seedDatabase({ url: dbUrl, scale: 1, seed: 42, log });
const node = ensureServerNode('24');
const servers: Record<string, RunningServer> = {};
const stopAll = async () => {
  for (const server of Object.values(servers)) await server.stop();
};
try {
  for (const name of names) {
    servers[name] = await startServer({
      target: 'ours',
      node,
      databaseUrl: dbUrl,
      poolSize: 10,
      jwtSecret: JWT_SECRET,
      env: VARIANTS[name]!,
    });
  }
  const tokens = createTokenService({ secret: JWT_SECRET, expiresIn: '1d' });
  const today = new Date();
  today.setUTCHours(0, 0, 0, 0);
  const fx: Fixtures = {
    students: await Promise.all(
      (await loadStudents(dbUrl)).slice(0, 300).map(async (s) => ({ ...s, token: await tokens.issue(s.id) })),
    ),
    week: { from: today.toISOString(), to: new Date(today.getTime() + 7 * 86_400_000).toISOString() },
  };

  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const post = (server: RunningServer, body: string, token: string) =>
    new Promise<void>((resolve, reject) => {
      const req = http.request(
        server.url,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        },
        (res) => {
          let data = '';
          res.on('data', (chunk: Buffer) => (data += chunk));
          res.on('end', () =>
            res.statusCode === 200 && !data.includes('"errors"')
              ? resolve()
              : reject(new Error(`${res.statusCode} ${data.slice(0, 300)}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const rng = new Prng(1, names.length, scenario.length);
  // One round: the same request to every server, one after the other, each round starting one
  // server further on (the server right after another one's request finds colder caches).
  let rounds = 0;
  const round = async () => {
    const built = readRequest(scenario, 'ours', fx, rng);
    const first = rounds++ % names.length;
    for (let i = 0; i < names.length; i++) {
      await post(servers[names[(first + i) % names.length]!]!, built.body, built.token);
    }
  };

  log(`${names.join(', ')}: warming up (1,500 rounds of ${scenario})`);
  for (let i = 0; i < 1_500; i++) await round();
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const threads0 = names.map((n) => threadCpuMs(servers[n]!.pid));
  for (let block = 0; block < BLOCKS; block++) {
    const cpu0 = names.map((n) => servers[n]!.cpuMs());
    for (let i = 0; i < PER_BLOCK; i++) await round();
    names.forEach((n, i) => samples[n]!.push(((servers[n]!.cpuMs() - cpu0[i]!) / PER_BLOCK) * 1000));
    log(`block ${block + 1}/${BLOCKS}: ` + names.map((n) => `${n} ${samples[n]!.at(-1)!.toFixed(0)} µs`).join(', '));
  }

  const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
  console.log(
    `\nserver CPU per ${scenario} request, ${BLOCKS} blocks of ${PER_BLOCK} sequential rounds ` +
      `(one request to each server in turn)`,
  );
  console.log('variant   | CPU µs/request (median) | change vs off: of medians | median of block ratios');
  for (const n of names) {
    const ratios = samples[n]!.map((v, i) => v / samples.off![i]! - 1);
    console.log(
      `${n.padEnd(9)} | ${median(samples[n]!).toFixed(0).padStart(23)} | ` +
        `${pct(median(samples[n]!) / median(samples.off!) - 1).padStart(25)} | ${pct(median(ratios)).padStart(22)}`,
    );
  }
  // Where each server's CPU went, by thread, over the measured blocks: the main thread runs the
  // requests; V8's helper threads run most of the garbage collection (and the compilers).
  console.log(`\nCPU µs per request by thread (all blocks)`);
  const groups = ['MainThread', 'V8Worker', 'libuv-worker'];
  console.log(`variant   | main thread | V8 helpers (GC, JIT) | libuv pool | other`);
  names.forEach((n, i) => {
    const now = threadCpuMs(servers[n]!.pid);
    const used = (name: string) => (((now[name] ?? 0) - (threads0[i]![name] ?? 0)) / (BLOCKS * PER_BLOCK)) * 1000;
    const other = Object.keys(now)
      .filter((name) => !groups.includes(name))
      .reduce((sum, name) => sum + used(name), 0);
    console.log(
      `${n.padEnd(9)} | ${used('MainThread').toFixed(0).padStart(11)} | ${used('V8Worker').toFixed(0).padStart(20)} | ` +
        `${used('libuv-worker').toFixed(0).padStart(10)} | ${other.toFixed(0).padStart(5)}`,
    );
  });
} finally {
  await stopAll();
}
process.exit(0);

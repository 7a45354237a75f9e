import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';
import type { LoadResult } from './load.js';
import { READ_SCENARIOS, SCENARIOS, type ScenarioName, type TargetName } from './scenarios.js';
import type { SeedInfo } from './seed.js';
import type { SubscriptionResult } from './subscriptions.js';

/** Everything one run measured; written as JSON under bench/results/ and rendered as tables. */

/** `together`: loaded at the same time as the other server of a pair (planned and text), half the connections each. */
export type Variant = 'indexed' | 'unindexed' | 'together';

export interface Measurement {
  target: TargetName;
  scenario: ScenarioName;
  variant: Variant;
  load: LoadResult;
  /** Peak RSS of the server process during the measured run. */
  rssMb: number;
  /** CPU time per request of the server process, and of its PostgreSQL backends (approximate). */
  serverCpuMsPerRequest: number;
  dbCpuMsPerRequest: number;
  /** The part of serverCpuMsPerRequest on the main thread (runs side by side only), the rest is V8's and libuv's threads. */
  mainThreadCpuMsPerRequest?: number;
}

export interface StatementCount {
  target: TargetName;
  scenario: ScenarioName;
  pageSize: number;
  requests: number;
  statements: number;
  perRequest: number;
  /** Bytes PostgreSQL sent to the server per request. */
  dbBytesPerRequest: number;
  top: { sql: string; count: number }[];
}

export interface Parity {
  target: TargetName;
  scenario: ScenarioName;
  ok: boolean;
  detail?: string;
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGb: number;
    node: Record<string, string>;
    postgres: string;
    /** 1/5/15-minute load averages: anything else running skews the numbers. */
    loadAverage: { atStart: number[]; atEnd: number[] };
  };
  options: {
    quick: boolean;
    scale: number;
    seed: number;
    connections: number;
    durationSec: number;
    warmupSec: number;
    poolSize: number;
    countRequests: number;
  };
  data: SeedInfo;
  peer: { name: string; version: string } | { skipped: string };
  measurements: Measurement[];
  statements: StatementCount[];
  parity: Parity[];
  subscriptions: SubscriptionResult[] | { skipped: string };
  /** Read scenarios with observability off and on (metrics + tracing without an exporter). */
  observability?: ObservabilityResult[] | { skipped: string };
  notes: string[];
}

/** A change over rounds, in percent: the median, the range (min, max) and an interval of the median. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /**
   * A confidence interval of the median from the rounds' order statistics (no assumption about
   * their distribution): the narrowest whose confidence is at least 95%, which is the range up to
   * 8 rounds. Absent in results written before it existed.
   */
  interval?: { low: number; high: number; confidence: number };
}

/** P(X ≤ k) for X ~ Binomial(n, ½). */
function binomialHalfCdf(n: number, k: number): number {
  let term = 0.5 ** n; // P(X = 0)
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term = (term * (n - i + 1)) / i;
    sum += term;
  }
  return sum;
}

/**
 * The median of the rounds' values, their range, and the distribution-free interval of the median:
 * between the k-th smallest and the k-th largest value, the true median is missed with probability
 * 2·P(Binomial(n, ½) ≤ k − 1); k is the largest that keeps this at or under 5%. Up to 8 rounds that is
 * k = 1, the range; below 6 even the range is less sure than 95%, and its confidence says how sure.
 */
export function spread(xs: number[]): Spread {
  const sorted = [...xs].sort((a, b) => a - b);
  const n = sorted.length;
  let k = 1;
  while (k < n / 2 && 2 * binomialHalfCdf(n, k) <= 0.05) k += 1;
  return {
    median: median(sorted),
    min: sorted[0]!,
    max: sorted[n - 1]!,
    interval: { low: sorted[k - 1]!, high: sorted[n - k]!, confidence: 1 - 2 * binomialHalfCdf(n, k - 1) },
  };
}

export interface ObservabilityResult {
  scenario: string;
  /** What `on` turned on, in words (default: metrics served and every span recorded). */
  onText?: string;
  /** Rounds, each on freshly started servers, of `roundSec` at full load with the servers loaded at the same time. */
  rounds: number;
  roundSec: number;
  /** Medians of the rounds. */
  off: { rps: number; p50: number; p99: number; cpuMsPerRequest: number };
  on: { rps: number; p50: number; p99: number; cpuMsPerRequest: number };
  /** (on - off) / off, in percent (negative is slower), over the rounds (same seconds in each). */
  throughput: Spread;
  /** The same for a second server with observability off against the first (A/A): the noise floor. */
  aaThroughput: Spread;
  /** on - off, ms: the median of the rounds. */
  p50ChangeMs: number;
  /** Server CPU per request, (on - off) / off, in percent, over the rounds. */
  cpu: Spread;
  /** The same, second off server against the first (A/A). */
  aaCpu: Spread;
  /** Main-thread CPU per request (where the requests run and the profiles look), on against off and A/A. */
  mainThreadCpu?: Spread;
  aaMainThreadCpu?: Spread;
  /**
   * From V8 profiles of the servers at full load (a profiled run after each measured one): the
   * share of on's main-thread CPU in the metrics and tracing code (bench/profile-share.ts), and
   * the garbage collector's share of off's and on's, in percent.
   */
  profile: { instrumentation: Spread; gcOff: number; gcOn: number };
  /** Latency on one connection, one request at a time (not saturated): medians, and of the rounds' pairs. */
  oneConnection: {
    rounds: number;
    roundSec: number;
    off: { p50: number; mean: number };
    on: { p50: number; mean: number };
    p50ChangeMs: number;
    meanChangeMs: number;
  };
}

/** `+1.2` / `-0.4`: a signed figure. */
export const signed = (x: number, digits: number) => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;
/** `-2.1% (-6.0 … +1.3)`: a change over rounds, its median and the interval of the median (older results: the range). */
export const spreadText = (s: Spread) =>
  `${signed(s.median, 1)}% (${signed(s.interval?.low ?? s.min, 1)} … ${signed(s.interval?.high ?? s.max, 1)})`;

/** What the brackets of a change say: the interval of the median and how sure it is, or (older results) the range. */
function intervalText(s: Spread, rounds: number): string {
  if (!s.interval) return 'their range';
  if (rounds < 2) return 'the one round again (a smoke check: one round gives no interval)';
  const sure = `${(s.interval.confidence * 100).toFixed(1)}%`;
  if (s.interval.confidence < 0.95)
    return `their range (with ${rounds} rounds it holds the true median with only ${sure} confidence)`;
  return s.interval.low === s.min && s.interval.high === s.max
    ? `their range, which holds the true median with ${sure} confidence (order statistics of the rounds)`
    : `the interval that holds the true median with ${sure} confidence (order statistics of the rounds)`;
}

/** What the observability table shows and how it was measured (text output and bench/README.md). */
export function observabilityHeading(x: ObservabilityResult | undefined): string {
  if (!x) return 'Observability overhead: no scenario';
  return (
    `Observability overhead (ours, generic path; off = production defaults, on = ` +
    `${x.onText ?? 'metrics served and every span recorded'}, no exporter). ${x.rounds} rounds, each on freshly started servers: per scenario, ${x.roundSec} s ` +
    `with off, on and a second off server loaded at the same time, a third of the connections each (the machine's ` +
    `drift hits all alike; the second off server against the first, A/A, shows how far two identical servers ` +
    `differ), then ${x.oneConnection.roundSec} s each of off and on on one connection, one request at a time (the ` +
    `latency of a server that is not saturated). "In instrumentation" is the share of on's main-thread CPU spent ` +
    `in OpenTelemetry, prom-client and the project's metrics and tracing code, from V8 profiles taken over the ` +
    `inspector while the three run side by side once more after each measured run (bench/profile-share.ts); GC is ` +
    `the garbage collector's share of off's and on's. Figures are medians of the rounds; changes are the median ` +
    `of the rounds' changes and, in brackets, ${intervalText(x.throughput, x.rounds)}.`
  );
}

const LABEL: Record<TargetName, string> = {
  ours: 'ours, generic (planning off, text)',
  planned: 'ours, planned (documentId)',
  text: 'ours, planned (text)',
  raw: 'limit (node:http+pg)',
  peer: 'peer (PostGraphile 5)',
};
const fmt = (n: number | undefined, digits = 0) => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(digits));
const ratio = (a?: number, b?: number) => (a && b ? `${(a / b).toFixed(2)}×` : '–');

function find(r: BenchResults, target: TargetName, scenario: ScenarioName, variant: Variant = 'indexed') {
  return r.measurements.find((m) => m.target === target && m.scenario === scenario && m.variant === variant);
}
function stmts(r: BenchResults, target: TargetName, scenario: ScenarioName, pageSize?: number) {
  const size = pageSize ?? SCENARIOS[scenario].pageSize;
  return r.statements.find((s) => s.target === target && s.scenario === scenario && s.pageSize === size);
}

interface Row {
  name: string;
  m: Measurement;
  s?: StatementCount;
}

function rows(r: BenchResults, scenario: ScenarioName): Row[] {
  const out: Row[] = [];
  for (const target of ['ours', 'planned', 'text', 'raw', 'peer'] as const) {
    const m = find(r, target, scenario);
    if (m) out.push({ name: LABEL[target], m, s: stmts(r, target, scenario) });
  }
  const un = find(r, 'ours', scenario, 'unindexed');
  if (un) out.push({ name: 'ours, secondary indexes dropped', m: un, s: stmts(r, 'ours', scenario) });
  return out;
}

/** Planned and text loaded side by side: their req/s, p50 and p99. */
function together(r: BenchResults, scenario: ScenarioName): string {
  const [p, t] = (['planned', 'text'] as const).map((target) => find(r, target, scenario, 'together')?.load);
  if (!p || !t) return ' (runs back to back)';
  const fig = (l: LoadResult) => `${fmt(l.rps)} req/s, p50 ${fmt(l.latency.p50, 1)}, p99 ${fmt(l.latency.p99, 1)} ms`;
  return ` (side by side, ${r.options.connections / 2} connections each: published ${fig(p)}; text ${fig(t)})`;
}

function errorsOf(l: LoadResult): number {
  return l.errors + l.graphqlErrors;
}

export function ratios(r: BenchResults, scenario: ScenarioName) {
  const over = (a: TargetName, b: TargetName, va: Variant = 'indexed', vb = va) => {
    const x = find(r, a, scenario, va);
    const y = find(r, b, scenario, vb);
    return x && y ? x.load.rps / y.load.rps : undefined;
  };
  return {
    oursOverLimit: over('ours', 'raw'),
    oursOverPeer: over('ours', 'peer'),
    plannedOverLimit: over('planned', 'raw'),
    plannedOverPeer: over('planned', 'peer'),
    /** The same documents sent as text against by published id (the aim: within 10%), side by side when measured so. */
    textOverPlanned: over('text', 'planned', 'together') ?? over('text', 'planned'),
    indexedOverUnindexed: over('ours', 'ours', 'indexed', 'unindexed'),
  };
}

/** Console tables, one per scenario, then the targets. */
export function renderText(r: BenchResults): string {
  const lines: string[] = [];
  const o = r.options;
  lines.push(
    `\nscale ${o.scale} (${r.data.students} students, ${(r.data.assignments + r.data.lectures + r.data.studySessions).toLocaleString('en-US')} task rows), ` +
      `${o.connections} connections, ${o.durationSec} s per run after ${o.warmupSec} s warm-up, pool ${o.poolSize}`,
  );
  for (const scenario of Object.keys(SCENARIOS) as ScenarioName[]) {
    const rs = rows(r, scenario);
    if (rs.length === 0) continue;
    lines.push(`\n${scenario}: ${SCENARIOS[scenario].title}`);
    lines.push(
      `  ${'server'.padEnd(34)}${'req/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'stmts/req'.padStart(11)}${'DB KiB/req'.padStart(12)}${'RSS MB'.padStart(8)}${'CPU ms/req node+pg'.padStart(20)}${'errors'.padStart(8)}`,
    );
    for (const { name, m, s } of rs) {
      lines.push(
        `  ${name.padEnd(34)}${fmt(m.load.rps).padStart(9)}${fmt(m.load.latency.p50, 1).padStart(9)}${fmt(m.load.latency.p99, 1).padStart(9)}` +
          `${fmt(s?.perRequest, 2).padStart(11)}${fmt(s ? s.dbBytesPerRequest / 1024 : undefined, 1).padStart(12)}${fmt(m.rssMb).padStart(8)}` +
          `${`${fmt(m.serverCpuMsPerRequest, 2)} + ${fmt(m.dbCpuMsPerRequest, 2)}`.padStart(20)}${String(errorsOf(m.load)).padStart(8)}`,
      );
    }
    const q = ratios(r, scenario);
    if (SCENARIOS[scenario].read)
      lines.push(
        `  ratios: ours/limit ${ratio(q.oursOverLimit, 1)}, ours/peer ${ratio(q.oursOverPeer, 1)}, indexed/unindexed ${ratio(q.indexedOverUnindexed, 1)}` +
          (q.plannedOverLimit
            ? `; planned/limit ${ratio(q.plannedOverLimit, 1)}, planned/peer ${ratio(q.plannedOverPeer, 1)}`
            : '') +
          (q.textOverPlanned ? `; text/published ${ratio(q.textOverPlanned, 1)}${together(r, scenario)}` : ''),
      );
  }
  const sub = r.subscriptions;
  lines.push('\nsubscriptions: taskUpdates fan-out');
  if ('skipped' in sub) lines.push(`  skipped: ${sub.skipped}`);
  else for (const s of sub) lines.push(`  ${subscriptionLine(s)}`);
  lines.push('\ntargets (reported, not asserted):');
  for (const t of targets(r)) lines.push(`  ${t.met === null ? '?' : t.met ? '✓' : '✗'} ${t.text}`);
  const bad = r.parity.filter((p) => !p.ok);
  lines.push(
    `\nsame answers: ${r.parity.length - bad.length}/${r.parity.length} sample responses of the baselines match ours` +
      bad.map((p) => `\n  ✗ ${p.target} ${p.scenario}: ${p.detail}`).join(''),
  );
  for (const n of r.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}

function subscriptionLine(s: SubscriptionResult): string {
  return (
    `${s.transport === 'ws' ? 'graphql-ws' : 'SSE'}: ${s.subscribers} subscribers × ${s.events} mutations, ${s.delivered}/${s.expected} delivered; ` +
    `mutation sent → delivery p50 ${fmt(s.latency.p50, 1)} ms, p99 ${fmt(s.latency.p99, 1)} ms ` +
    `(all ${s.subscribers} reached: p50 ${fmt(s.lastDelivery.p50, 1)} ms); mutation response p50 ${fmt(s.mutationLatency.p50, 1)} ms`
  );
}

export interface TargetCheck {
  text: string;
  met: boolean | null;
}

export function targets(r: BenchResults): TargetCheck[] {
  const out: TargetCheck[] = [];
  const reads = READ_SCENARIOS.filter((s) => find(r, 'ours', s));
  const each = (f: (s: (typeof reads)[number]) => string | null) => reads.map(f).filter((x): x is string => x !== null);
  const q = Object.fromEntries(reads.map((s) => [s, ratios(r, s)]));
  const limitMiss = each((s) => (q[s]!.oursOverLimit !== undefined && q[s]!.oursOverLimit < 0.7 ? s : null));
  out.push({
    text: `reads ≥ 70% of the raw-SQL limit: ${reads.map((s) => `${s} ${pct(q[s]!.oursOverLimit)}`).join(', ')}`,
    met: reads.some((s) => q[s]!.oursOverLimit !== undefined) ? limitMiss.length === 0 : null,
  });
  const p99 = reads.map((s) => [s, find(r, 'ours', s)!.load.latency.p99] as const);
  out.push({
    text: `p99 < 50 ms at ${r.options.connections} connections${r.options.scale === 1 ? '' : ` (scale ${r.options.scale}, not the default)`}: ${p99.map(([s, v]) => `${s} ${fmt(v, 1)} ms`).join(', ')}`,
    met: p99.every(([, v]) => v < 50),
  });
  const peerMiss = each((s) => (q[s]!.oursOverPeer !== undefined && q[s]!.oursOverPeer < 1 ? s : null));
  out.push({
    text: `at least the peer's throughput: ${reads.map((s) => `${s} ${ratio(q[s]!.oursOverPeer, 1)}`).join(', ')}`,
    met: reads.some((s) => q[s]!.oursOverPeer !== undefined) ? peerMiss.length === 0 : null,
  });
  const idx = (['dashboard', 'overdue'] as const).filter((s) => q[s]?.indexedOverUnindexed !== undefined);
  out.push({
    text: `indexed/unindexed ≥ 10× on dashboard and overdue${r.options.scale === 1 ? '' : ` (scale ${r.options.scale}: small tables make the gap smaller)`}: ${idx.map((s) => `${s} ${ratio(q[s]!.indexedOverUnindexed, 1)}`).join(', ')}`,
    met: idx.length ? idx.every((s) => q[s]!.indexedOverUnindexed! >= 10) : null,
  });
  const sizes = reads.map((s) => {
    const counts = r.statements
      .filter((c) => c.target === 'ours' && c.scenario === s)
      .sort((a, b) => a.pageSize - b.pageSize);
    return { s, counts };
  });
  const constant = sizes.every(
    ({ counts }) => counts.length < 2 || counts.every((c) => Math.abs(c.perRequest - counts[0]!.perRequest) < 0.01),
  );
  out.push({
    text: `statements per request constant in page size: ${sizes
      .map(({ s, counts }) => `${s} ${counts.map((c) => `${fmt(c.perRequest, 2)}@${c.pageSize}`).join(' / ')}`)
      .join(', ')}`,
    met: sizes.some(({ counts }) => counts.length >= 2) ? constant : null,
  });
  return out;
}

const pct = (x?: number) => (x === undefined ? '–' : `${Math.round(x * 100)}%`);

/** The bench/README.md table: one row per scenario and server. */
export function renderMarkdown(r: BenchResults): string {
  const o = r.options;
  const out: string[] = [];
  out.push(
    `| scenario | server | req/s | p50 ms | p99 ms | SQL stmts/req | KiB from PG/req | server RSS MB | CPU ms/req: server + PostgreSQL |`,
    `| -------- | ------ | ----: | -----: | -----: | ------------: | --------------: | ------------: | ------------------------------: |`,
  );
  for (const scenario of Object.keys(SCENARIOS) as ScenarioName[]) {
    for (const { name, m, s } of rows(r, scenario)) {
      const errs = errorsOf(m.load) ? ` (${errorsOf(m.load)} errors)` : '';
      out.push(
        `| ${scenario} | ${name} | ${fmt(m.load.rps)}${errs} | ${fmt(m.load.latency.p50, 1)} | ${fmt(m.load.latency.p99, 1)} | ` +
          `${fmt(s?.perRequest, 2)} | ${fmt(s ? s.dbBytesPerRequest / 1024 : undefined, 1)} | ${fmt(m.rssMb)} | ` +
          `${fmt(m.serverCpuMsPerRequest, 2)} + ${fmt(m.dbCpuMsPerRequest, 2)} |`,
      );
    }
  }
  out.push(
    '',
    '| scenario | ours/limit | ours/peer | planned/limit | planned/peer | text/published | indexed/unindexed |',
    '| -------- | ---------: | --------: | ------------: | -----------: | -------------: | ----------------: |',
  );
  for (const scenario of READ_SCENARIOS) {
    const q = ratios(r, scenario);
    out.push(
      `| ${scenario} | ${ratio(q.oursOverLimit, 1)} | ${ratio(q.oursOverPeer, 1)} | ${ratio(q.plannedOverLimit, 1)} | ${ratio(q.plannedOverPeer, 1)} | ${ratio(q.textOverPlanned, 1)}${q.textOverPlanned ? (find(r, 'text', scenario, 'together') ? ' side by side' : ' back to back') : ''} | ${ratio(q.indexedOverUnindexed, 1)} |`,
    );
  }
  const sub = r.subscriptions;
  if ('skipped' in sub) out.push('', `Subscriptions: skipped (${sub.skipped}).`);
  else
    out.push(
      '',
      'Subscriptions (`taskUpdates`, one student, N subscribers, one createAssignment at a time):',
      '',
      ...sub.map((s) => `- ${subscriptionLine(s)}`),
    );
  const obs = r.observability;
  if (obs && !('skipped' in obs) && obs.length) {
    out.push(
      '',
      observabilityHeading(obs[0]),
      '',
      '| scenario | off req/s | on req/s | change | A/A change | p50 off → on | server CPU ms/req off → on | CPU change | A/A CPU change | main-thread CPU change | A/A main thread | in instrumentation | GC off → on | one connection: p50 off → on | p50 change | mean change |',
      '| -------- | --------: | -------: | -----: | ---------: | -----------: | -------------------------: | ---------: | -------------: | ---------------------: | --------------: | -----------------: | ----------: | ---------------------------: | ---------: | ----------: |',
      ...obs.map(
        (x) =>
          `| ${x.scenario} | ${fmt(x.off.rps)} | ${fmt(x.on.rps)} | ${spreadText(x.throughput)} | ${spreadText(x.aaThroughput)} | ` +
          `${fmt(x.off.p50, 1)} → ${fmt(x.on.p50, 1)} ms | ${fmt(x.off.cpuMsPerRequest, 2)} → ${fmt(x.on.cpuMsPerRequest, 2)} | ` +
          `${spreadText(x.cpu)} | ${spreadText(x.aaCpu)} | ` +
          `${x.mainThreadCpu ? spreadText(x.mainThreadCpu) : '–'} | ${x.aaMainThreadCpu ? spreadText(x.aaMainThreadCpu) : '–'} | ` +
          `${fmt(x.profile.instrumentation.median, 2)}% (${fmt(x.profile.instrumentation.min, 2)} … ${fmt(x.profile.instrumentation.max, 2)}) | ` +
          `${fmt(x.profile.gcOff, 1)}% → ${fmt(x.profile.gcOn, 1)}% | ` +
          `${fmt(x.oneConnection.off.p50, 1)} → ${fmt(x.oneConnection.on.p50, 1)} ms | ${signed(x.oneConnection.p50ChangeMs, 1)} ms | ` +
          `${signed(x.oneConnection.meanChangeMs, 2)} ms |`,
      ),
    );
  }
  out.push(
    '',
    `Scale ${o.scale}: ${r.data.students.toLocaleString('en-US')} students, ${r.data.courses.toLocaleString('en-US')} courses, ` +
      `${r.data.assignments.toLocaleString('en-US')} assignments, ${r.data.lectures.toLocaleString('en-US')} lectures, ` +
      `${r.data.studySessions.toLocaleString('en-US')} study sessions. ${o.connections} connections, ${o.durationSec} s per run after a ` +
      `${o.warmupSec} s warm-up, DATABASE_POOL_SIZE=${o.poolSize} for every server. ` +
      `Machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGb} GB RAM, ${r.machine.postgres}; ` +
      `${Object.entries(r.machine.node)
        .map(([k, v]) => `${k} on Node ${v}`)
        .join(', ')}. Run ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC; load average ` +
      `${r.machine.loadAverage.atStart[0]} at the start, ${r.machine.loadAverage.atEnd[0]} at the end.`,
  );
  return out.join('\n');
}

export const RESULTS_DIR = path.join(import.meta.dirname, 'results');

/** Writes results/<timestamp>.json and results/latest.json; returns the first path. */
export function writeResults(r: BenchResults): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(
    RESULTS_DIR,
    `bench-${r.startedAt.replace(/[:.]/g, '-')}${r.options.quick ? '-quick' : ''}.json`,
  );
  const text = JSON.stringify(r, null, 2);
  writeFileSync(file, text);
  writeFileSync(path.join(RESULTS_DIR, r.options.quick ? 'latest-quick.json' : 'latest.json'), text);
  return file;
}

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/** Replaces the table between the bench markers in bench/README.md (formatted as Prettier would). */
export async function updateReadme(readmePath: string, r: BenchResults): Promise<boolean> {
  const text = readFileSync(readmePath, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) return false;
  const next = `${text.slice(0, a + START.length)}\n\n${renderMarkdown(r)}\n\n${text.slice(b)}`;
  const options = (await prettier.resolveConfig(readmePath)) ?? {};
  writeFileSync(readmePath, await prettier.format(next, { ...options, filepath: readmePath }));
  return true;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

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
  notes: string[];
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

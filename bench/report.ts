import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';
import type { LoadResult } from './load.js';
import type { BenchOptions } from './run.js';
import { SCENARIOS, type ScenarioName, type TargetName } from './scenarios.js';
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
  options: BenchOptions;
  data: SeedInfo;
  peer: { name: string; version: string } | { skipped: string };
  measurements: Measurement[];
  statements: StatementCount[];
  parity: Parity[];
  subscriptions: SubscriptionResult[] | { skipped: string };
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

function rows(r: BenchResults, scenario: ScenarioName) {
  const out: { name: string; m: Measurement; s?: StatementCount }[] = [];
  for (const target of ['ours', 'planned', 'text', 'raw', 'peer'] as const) {
    const m = find(r, target, scenario);
    if (m) out.push({ name: LABEL[target], m, s: stmts(r, target, scenario) });
  }
  const un = find(r, 'ours', scenario, 'unindexed');
  if (un) out.push({ name: 'ours, secondary indexes dropped', m: un, s: stmts(r, 'ours', scenario) });
  return out;
}

/** On stdout: the tables of bench/README.md, then whether the baselines' answers matched ours. */
export function renderText(r: BenchResults): string {
  const lines = [renderMarkdown(r)];
  const bad = r.parity.filter((p) => !p.ok);
  lines.push(
    `\nsame answers: ${r.parity.length - bad.length}/${r.parity.length} sample responses of the baselines match ours` +
      bad.map((p) => `\n  ✗ ${p.target} ${p.scenario}: ${p.detail}`).join(''),
  );
  return lines.join('\n');
}

function subscriptionLine(s: SubscriptionResult): string {
  return (
    `${s.transport === 'ws' ? 'graphql-ws' : 'SSE'}: ${s.subscribers} subscribers (${s.perStudent} per student), ${s.events} mutations, ${s.delivered}/${s.expected} delivered; ` +
    `mutation sent → delivery p50 ${fmt(s.latency.p50, 1)} ms, p99 ${fmt(s.latency.p99, 1)} ms ` +
    `(all of its student's reached: p50 ${fmt(s.lastDelivery.p50, 1)} ms); mutation response p50 ${fmt(s.mutationLatency.p50, 1)} ms`
  );
}

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
      const errors = m.load.errors + m.load.graphqlErrors;
      const errs = errors ? ` (${errors} errors)` : '';
      out.push(
        `| ${scenario} | ${name} | ${fmt(m.load.rps)}${errs} | ${fmt(m.load.latency.p50, 1)} | ${fmt(m.load.latency.p99, 1)} | ` +
          `${fmt(s?.perRequest, 2)} | ${fmt(s ? s.dbBytesPerRequest / 1024 : undefined, 1)} | ${fmt(m.rssMb)} | ` +
          `${fmt(m.serverCpuMsPerRequest, 2)} + ${fmt(m.dbCpuMsPerRequest, 2)} |`,
      );
    }
  }
  out.push(
    '',
    '| scenario | ours/limit | ours/peer | planned/limit | planned/peer | text/published | indexed/unindexed | SQL stmts/req: ours, limit, peer |',
    '| -------- | ---------: | --------: | ------------: | -----------: | -------------: | ----------------: | -------------------------------: |',
  );
  for (const scenario of (Object.keys(SCENARIOS) as ScenarioName[]).filter((s) => find(r, 'ours', s))) {
    // Throughput of a over b; text over published side by side when measured so (the aim: within 10%).
    const over = (a: TargetName, b: TargetName, va: Variant = 'indexed', vb = va) =>
      ratio(find(r, a, scenario, va)?.load.rps, find(r, b, scenario, vb)?.load.rps);
    const text = find(r, 'text', scenario, 'together')
      ? `${over('text', 'planned', 'together')} side by side`
      : over('text', 'planned').replace(/×$/, '× back to back');
    const perRequest = (['ours', 'raw', 'peer'] as const).map((t) => fmt(stmts(r, t, scenario)?.perRequest, 2));
    out.push(
      `| ${scenario} | ${over('ours', 'raw')} | ${over('ours', 'peer')} | ${over('planned', 'raw')} | ${over('planned', 'peer')} | ` +
        `${text} | ${over('ours', 'ours', 'indexed', 'unindexed')} | ${perRequest.join(', ')} |`,
    );
  }
  const sub = r.subscriptions;
  if ('skipped' in sub) out.push('', `Subscriptions: skipped (${sub.skipped}).`);
  else
    out.push(
      '',
      "Subscriptions (`taskUpdates`, subscribers spread over students, one createAssignment at a time by the students in turn, each reaching its student's subscribers while all stay connected):",
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

/**
 * Where a server's main thread spent its CPU, from a V8 CPU profile. The bench's observability
 * pass takes profiles over the inspector (bench/inspector.ts); `npx tsx bench/profile-share.ts
 * [--skip <seconds>] <file.cpuprofile>…` reads the files of servers run with `--cpu-prof` (e.g.
 * `BENCH_SERVER_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench -- …`).
 *
 * Each sample counts for the nearest frame on its stack that is code of a package or of this
 * project (Node's internals and native calls count for their caller: `randomUUID` for the code
 * that asked for an id). The shares: busy samples in the instrumentation (OpenTelemetry,
 * prom-client, src/observability's metrics and tracing code) and in the garbage collector. This
 * answers "what does observability cost" by attribution, beside the bench's A/B figures, whose
 * noise between two identical servers is larger than that cost on a small machine. What it cannot
 * see: work on other threads, and the garbage the instrumentation makes (the GC share of an `off`
 * profile beside it shows that part).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
export interface Profile {
  /** µs (V8's monotonic clock). */
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Instrumentation: the libraries and the project's own files that record metrics and spans. */
const INSTRUMENTATION = [
  /node_modules\/@opentelemetry\//,
  /node_modules\/prom-client\//,
  /\/observability\/(metrics|graphql-metrics|tracing|graphql-tracing|statements)\.[jt]s$/,
];
/** Frames that are nobody's code: counted for their caller. */
const passThrough = (url: string) => url === '' || url.startsWith('node:') || !url.includes('/');

export interface ProfileShare {
  /** Milliseconds of samples, idle excluded. */
  busyMs: number;
  instrumentationPct: number;
  gcPct: number;
  /** The instrumentation's biggest parts, by package or file: [name, percent of busy]. */
  top: [string, number][];
}

/** The shares of one profile, leaving out its first `skipSec` seconds (start-up: loading modules, compiling). */
export function profileShare(profile: Profile, skipSec = 0): ProfileShare {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Per node: the url that its samples count for (nearest own-code frame up the stack), memoized.
  const owner = new Map<number, string>();
  const ownerOf = (id: number): string => {
    const known = owner.get(id);
    if (known !== undefined) return known;
    const url = byId.get(id)!.callFrame.url;
    const up = parent.get(id);
    const result = !passThrough(url) ? url : up === undefined ? '' : ownerOf(up);
    owner.set(id, result);
    return result;
  };
  const from = skipSec * 1e6;
  let at = 0;
  let busy = 0;
  let gc = 0;
  let instrumented = 0;
  const parts = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    if (at < from) return;
    const name = byId.get(id)!.callFrame.functionName;
    if (name === '(idle)') return;
    busy += dt;
    if (name === '(garbage collector)') {
      gc += dt;
      return;
    }
    const url = ownerOf(id);
    if (!INSTRUMENTATION.some((re) => re.test(url))) return;
    instrumented += dt;
    const part = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? path.basename(url);
    parts.set(part, (parts.get(part) ?? 0) + dt);
  });
  const pct = (x: number) => (busy ? (x / busy) * 100 : 0);
  return {
    busyMs: busy / 1000,
    instrumentationPct: pct(instrumented),
    gcPct: pct(gc),
    top: [...parts.entries()].sort((x, y) => y[1] - x[1]).map(([k, v]) => [k, pct(v)]),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const skipAt = args.indexOf('--skip');
  const skipSec = skipAt >= 0 ? Number(args.splice(skipAt, 2)[1]) : 0;
  const files = args;
  if (!files.length || !(skipSec >= 0)) {
    throw new Error('usage: npx tsx bench/profile-share.ts [--skip <seconds>] <file.cpuprofile>…');
  }
  console.log('profile                                       busy s   instrumentation   GC      biggest parts');
  for (const file of files) {
    const s = profileShare(JSON.parse(readFileSync(file, 'utf8')) as Profile, skipSec);
    console.log(
      `${path.basename(file).padEnd(45)} ${(s.busyMs / 1000).toFixed(1).padStart(6)} ${s.instrumentationPct.toFixed(2).padStart(16)}% ` +
        `${s.gcPct.toFixed(1).padStart(5)}%   ${s.top
          .slice(0, 4)
          .map(([k, v]) => `${k} ${v.toFixed(2)}%`)
          .join(', ')}`,
    );
  }
}

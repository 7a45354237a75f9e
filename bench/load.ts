import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { forkTsx } from './common.js';
import type { ScenarioName, TargetName } from './scenarios.js';

/** One load run: which server, which scenario, how hard and how long. */
export interface LoadSpec {
  url: string;
  target: TargetName;
  scenario: ScenarioName;
  connections: number;
  /** Seconds to run (ignored when `amount` is set). */
  duration?: number;
  /** A fixed number of requests instead of a duration (the statement-counting pass). */
  amount?: number;
  /** Overrides the scenario's page size (the statements-vs-page-size check). */
  pageSize?: number;
  fixturesFile: string;
  seed: number;
  timeoutSec: number;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  /** Milliseconds, as autocannon measures them (request written → response complete). */
  latency: { p50: number; p90: number; p99: number; mean: number; max: number };
  /** Connection errors and timeouts. */
  errors: number;
  timeouts: number;
  non2xx: number;
  /** Responses that were not 200 or carried GraphQL `errors`. */
  graphqlErrors: number;
  firstError?: string;
}

let worker: ChildProcess | null = null;
let pending: { resolve: (r: LoadResult[]) => void; reject: (e: Error) => void } | null = null;

/** The load generator process (bench/load-worker.ts), started on first use and kept for the run. */
function loadWorker(): ChildProcess {
  if (worker) return worker;
  const child = forkTsx(path.join(import.meta.dirname, 'load-worker.ts'));
  // The run waiting for the answer, taken once.
  const take = () => [pending, (pending = null)][0];
  child.on('message', (m) => take()?.resolve(m as LoadResult[]));
  child.on('exit', (code) => {
    worker = null;
    take()?.reject(new Error(`load generator exited with ${code}`));
  });
  worker = child;
  return child;
}

/**
 * Runs autocannon in its own process, so it never shares a CPU queue with the runner. Several
 * specs run at the same time (one autocannon each), over the same seconds of the machine.
 */
export function runLoads(specs: LoadSpec[]): Promise<LoadResult[]> {
  if (pending) return Promise.reject(new Error('one load run at a time'));
  const child = loadWorker();
  return new Promise((resolve, reject) => {
    pending = { resolve, reject };
    child.send(specs);
  });
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const [result] = await runLoads([spec]);
  return result!;
}

export function stopLoadWorker(): void {
  worker?.disconnect();
  worker = null;
}

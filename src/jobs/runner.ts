import { performance } from 'node:perf_hooks';
import type { Db, Tx } from '../db/client.js';
import type { Logger } from '../observability/logger.js';

export interface Job {
  /** Also the advisory-lock key: one replica runs a job at a time. */
  name: string;
  everyMs: number;
  run(tx: Tx, now: Date): Promise<Record<string, unknown>>;
}

/** Hears each run's outcome (metrics: `Metrics.recordJobRun`); skipped: another replica had the lock. */
export type JobRunListener = (job: string, outcome: 'done' | 'failed' | 'skipped', seconds: number) => void;

/**
 * Runs each job on its interval. A run happens inside a transaction holding a Postgres advisory
 * lock named after the job, so with several replicas only one runs it; the others skip that turn.
 */
export function startJobs(options: { db: Db; logger: Logger; jobs: Job[]; now?: () => Date; onRun?: JobRunListener }): {
  stop(): Promise<void>;
} {
  const now = options.now ?? (() => new Date());
  const running = new Set<Promise<unknown>>();
  const timers = options.jobs.map((job) => {
    const timer = setInterval(() => {
      const p = runJob(options.db, options.logger, job, now(), options.onRun).finally(() => running.delete(p));
      running.add(p);
    }, job.everyMs);
    timer.unref();
    return timer;
  });
  return {
    async stop() {
      for (const t of timers) clearInterval(t);
      await Promise.allSettled([...running]);
    },
  };
}

/** One run of a job under its lock; returns what it reported, or null when another replica had the lock. */
export async function runJob(
  db: Db,
  logger: Logger,
  job: Job,
  now: Date,
  onRun?: JobRunListener,
): Promise<Record<string, unknown> | null> {
  const startedAt = performance.now();
  const seconds = () => (performance.now() - startedAt) / 1000;
  try {
    const result = await db.$transaction(
      async (tx) => {
        const [row] = await tx.$queryRaw<
          { locked: boolean }[]
        >`SELECT pg_try_advisory_xact_lock(hashtext(${job.name})) AS locked`;
        if (!row?.locked) return null;
        return job.run(tx, now);
      },
      { timeout: 60_000 },
    );
    if (result) logger.info({ job: job.name, ...result }, 'job done');
    onRun?.(job.name, result ? 'done' : 'skipped', seconds());
    return result;
  } catch (err) {
    logger.error({ err, job: job.name }, 'job failed');
    onRun?.(job.name, 'failed', seconds());
    return null;
  }
}

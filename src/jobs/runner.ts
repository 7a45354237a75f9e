import { performance } from 'node:perf_hooks';
import { Cron } from 'croner';
import type { Db, Tx } from '../db/client.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { Logger } from '../observability/logger.js';

/** What a run reports: the rows it wrote or deleted, and anything else worth keeping. */
export interface JobResult {
  rowsTouched: number;
  [detail: string]: Prisma.InputJsonValue;
}

export interface Job {
  /** Stable name: the key of its schedule in config (JOB_SCHEDULES), its lock and its JobRun rows. */
  name: string;
  /** Default cron expression (croner syntax, seconds optional); config may replace it. */
  schedule: string;
  /** One run, inside the transaction that holds the job's lock; throw to roll it back. */
  run(tx: Tx, now: Date): Promise<JobResult>;
}

/** A JobRun row as the runner writes it. */
export interface JobRunRecord {
  id: string;
  job: string;
  startedAt: Date;
  finishedAt: Date;
  rowsTouched: number;
  /** What the run reported besides rowsTouched. */
  result: Prisma.JsonValue;
  error: string | null;
}

export interface SchedulerOptions {
  db: Db;
  logger: Logger;
  jobs: Job[];
  /** Cron expressions by job name, replacing a job's default (config.jobs.schedules). */
  schedules?: Record<string, string>;
  now?: () => Date;
  /** Called after a run that committed (the app nudges the event bus: a job may record events). */
  afterRun?: () => void;
  /** A run holding its lock longer than this is rolled back (default 5 min). */
  timeoutMs?: number;
  /** Told of every run's outcome and duration (metrics). */
  onRun?: JobRunListener;
}

/** Hears each run's outcome (metrics: `Metrics.recordJobRun`); skipped: another replica had the lock or ran the tick. */
export type JobRunListener = (job: string, outcome: 'done' | 'failed' | 'skipped', seconds: number) => void;

/**
 * The scheduled jobs. Each job runs on its cron expression (croner), once per tick whatever the
 * number of replicas: a run is a transaction that first takes a Postgres advisory lock named after
 * the job (a replica that cannot take it skips that tick), then skips the tick too when a run for
 * it is already recorded: a fast run can be over before a later replica's schedule fires (their
 * clocks and loads differ by milliseconds), and the lock alone would let that replica run it
 * again. Each run that got the lock writes a JobRun row (started, finished, rows touched, error,
 * and the tick it was for; one per job and tick, unique). A run that throws is rolled back,
 * logged and recorded without its tick; the job runs again at its next tick (or on another
 * replica whose schedule fires later in this one) and the other jobs are not affected.
 */
export class JobScheduler {
  private readonly jobs = new Map<string, Job>();
  private readonly crons: Cron[] = [];
  private readonly running = new Set<Promise<unknown>>();
  private readonly now: () => Date;

  constructor(private readonly options: SchedulerOptions) {
    for (const job of options.jobs) {
      if (this.jobs.has(job.name)) throw new Error(`duplicate job name ${job.name}`);
      this.jobs.set(job.name, job);
    }
    this.now = options.now ?? (() => new Date());
  }

  /** The names of the jobs, as `runJob` and `jobRuns` take them. */
  names(): string[] {
    return [...this.jobs.keys()];
  }

  /** The cron expression a job runs on. */
  scheduleOf(name: string): string | undefined {
    const job = this.jobs.get(name);
    return job && (this.options.schedules?.[name] ?? job.schedule);
  }

  /** Starts every job's schedule. */
  start(): void {
    for (const job of this.jobs.values()) {
      // protect: a tick is skipped while the previous run of the same job is still going.
      const cron = new Cron(this.scheduleOf(job.name)!, { protect: true, unref: true }, async (self: Cron) => {
        // The tick as scheduled (the same on every replica), not the moment this one fired.
        const fired = self.currentRun() ?? new Date();
        const tick = self.previousRuns(1, new Date(fired.getTime() + 1))[0] ?? fired;
        await this.track(job.name, tick);
      });
      this.crons.push(cron);
    }
  }

  /** Stops the schedules and waits for runs in flight. */
  async stop(): Promise<void> {
    for (const cron of this.crons) cron.stop();
    this.crons.length = 0;
    await Promise.allSettled([...this.running]);
  }

  /**
   * Runs a job now (an admin's runJob, a test). Resolves with its JobRun, or null when another
   * replica holds its lock; undefined for an unknown name. Never rejects for a failing job.
   */
  async run(name: string): Promise<JobRunRecord | null | undefined> {
    if (!this.jobs.has(name)) return undefined;
    return this.track(name);
  }

  private track(name: string, tick?: Date): Promise<JobRunRecord | null> {
    const p = runJob(this.options, this.jobs.get(name)!, this.now, tick).finally(() => this.running.delete(p));
    this.running.add(p);
    return p;
  }
}

const RECORD = {
  id: true,
  job: true,
  startedAt: true,
  finishedAt: true,
  rowsTouched: true,
  result: true,
  error: true,
} as const;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * One run of a job under its lock; see JobScheduler. `tick`: the schedule's tick it is for, run at
 * most once (null when a run for it is recorded); left out, a run on demand.
 */
export async function runJob(
  options: Pick<SchedulerOptions, 'db' | 'logger' | 'afterRun' | 'timeoutMs' | 'onRun'>,
  job: Job,
  now: () => Date = () => new Date(),
  tick?: Date,
): Promise<JobRunRecord | null> {
  const { db, logger } = options;
  const startedAt = now();
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  try {
    const record = await db.$transaction(
      async (tx) => {
        const [row] = await tx.$queryRaw<{ locked: boolean }[]>`
          SELECT pg_try_advisory_xact_lock(hashtext(${`job:${job.name}`})) AS locked`;
        if (!row?.locked) return null;
        if (tick && (await tx.jobRun.findFirst({ where: { job: job.name, scheduledFor: tick }, select: { id: true } })))
          return null;
        const { rowsTouched, ...details } = await job.run(tx, startedAt);
        return tx.jobRun.create({
          data: { job: job.name, startedAt, finishedAt: now(), rowsTouched, result: details, scheduledFor: tick },
          select: RECORD,
        });
      },
      { timeout: options.timeoutMs ?? 300_000, maxWait: 10_000 },
    );
    if (record) {
      logger.info({ job: job.name, rowsTouched: record.rowsTouched }, 'job done');
      options.afterRun?.();
    } else {
      logger.debug({ job: job.name }, 'job skipped: another replica holds its lock or ran this tick');
    }
    options.onRun?.(job.name, record ? 'done' : 'skipped', seconds());
    return record;
  } catch (err) {
    logger.error({ err, job: job.name }, 'job failed; it runs again at its next tick');
    options.onRun?.(job.name, 'failed', seconds());
    try {
      return await db.jobRun.create({
        data: { job: job.name, startedAt, finishedAt: now(), rowsTouched: 0, error: message(err).slice(0, 2000) },
        select: RECORD,
      });
    } catch (recordErr) {
      logger.error({ err: recordErr, job: job.name }, 'could not record a failed job run');
      return null;
    }
  }
}

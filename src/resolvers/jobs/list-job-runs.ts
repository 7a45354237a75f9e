import type { DomainContext } from '../domain-context.js';
import type { JobRun, Prisma } from '../../generated/prisma/client.js';
import { requireAdmin } from '../access.js';

export interface JobRunsInput {
  /** Only the runs of this job. */
  job?: string | null;
}

/** JobRun has no relations, so a selection is `select` alone (Selection<> needs an include). */
export type JobRunPageQuery = Pick<Prisma.JobRunFindManyArgs, 'select' | 'take' | 'skip' | 'cursor'>;

/** Admin only: the where clause of job runs, optionally of one job. */
export function jobRunsWhere(ctx: DomainContext, input: JobRunsInput): Prisma.JobRunWhereInput {
  requireAdmin(ctx);
  return input.job ? { job: input.job } : {};
}

/** Admin only: a page of job runs, newest first (JobRun_job_started_idx / JobRun_started_idx). */
export function listJobRuns(ctx: DomainContext, input: JobRunsInput, query: JobRunPageQuery = {}): Promise<JobRun[]> {
  return ctx.db.jobRun.findMany({
    ...query,
    where: jobRunsWhere(ctx, input),
    orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
  });
}

/** How many runs `listJobRuns` pages through. */
export function countJobRuns(ctx: DomainContext, input: JobRunsInput): Promise<number> {
  return ctx.db.jobRun.count({ where: jobRunsWhere(ctx, input) });
}

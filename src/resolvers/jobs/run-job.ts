import type { DomainContext } from '../domain-context.js';
import { ConflictError, ValidationError } from '../../errors.js';
import type { JobRun, Prisma } from '../../generated/prisma/client.js';
import { requireAdmin } from '../access.js';

/**
 * Admin only: runs a scheduled job now, on this replica, and returns its run (a failed run too,
 * with its error). An unknown name is BAD_USER_INPUT; a job another replica is running is CONFLICT.
 */
export async function runJob(
  ctx: DomainContext,
  input: { name: string },
  query: Pick<Prisma.JobRunFindUniqueArgs, 'select'> = {},
): Promise<JobRun> {
  requireAdmin(ctx);
  const names = ctx.jobs.names();
  if (!names.includes(input.name)) {
    throw new ValidationError(`No job is named "${input.name}"; the jobs are ${names.join(', ')}.`, 'name');
  }
  const run = await ctx.jobs.run(input.name);
  if (!run) throw new ConflictError(`Job ${input.name} is running on another replica; try again when it is done.`);
  return ctx.db.jobRun.findUniqueOrThrow({ ...query, where: { id: run.id } });
}

import type { ErrorLogEntry, Prisma } from '../../generated/prisma/client.js';
import { requireAdmin } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import type { PageQuery } from '../page.js';

export interface ListErrorsInput {
  /** Only entries last seen at or after this time; all when left out. */
  since?: Date | null;
}

/** Admin only: the where clause of the error log. */
function errorsWhere(ctx: DomainContext, input: ListErrorsInput): Prisma.ErrorLogEntryWhereInput {
  requireAdmin(ctx);
  return input.since ? { lastSeenAt: { gte: input.since } } : {};
}

/** Admin only: a page of the error log, most recently seen first. `query` carries paging and fields. */
export function listErrors(
  ctx: DomainContext,
  input: ListErrorsInput,
  query?: PageQuery<Prisma.ErrorLogEntryFindManyArgs>,
): Promise<ErrorLogEntry[]> {
  return ctx.db.errorLogEntry.findMany({
    ...query,
    where: errorsWhere(ctx, input),
    orderBy: [{ lastSeenAt: 'desc' }, { id: 'desc' }],
  });
}

/** Admin only: how many entries `listErrors` pages through. */
export function countErrors(ctx: DomainContext, input: ListErrorsInput): Promise<number> {
  return ctx.db.errorLogEntry.count({ where: errorsWhere(ctx, input) });
}

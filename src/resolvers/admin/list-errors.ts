import type { DomainContext } from '../context.js';
import { ForbiddenError } from '../../errors.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { requireViewer } from '../shared.js';

/** Admin only: the where clause of error-log entries last seen at or after `since` (all when null). */
export function errorLogWhere(ctx: DomainContext, input: { since?: Date | null }): Prisma.ErrorLogEntryWhereInput {
  const viewer = requireViewer(ctx);
  if (viewer.role !== 'ADMIN') throw new ForbiddenError();
  return input.since ? { lastSeenAt: { gte: input.since } } : {};
}

import type { AuditLog, Prisma } from '../../generated/prisma/client.js';
import { isUuid, requireAdmin } from '../access.js';
import type { DomainContext } from '../domain-context.js';

export interface AuditLogFilter {
  /** Only entries about this account or course (its uuid). */
  targetId?: string | null;
  /** Only entries by this admin (their uuid). */
  actorId?: string | null;
  /** Only this action, e.g. "user.suspend". */
  action?: string | null;
}

const NO_ROW = '00000000-0000-0000-0000-000000000000';
const uuidOrNone = (id: string) => (isUuid(id) ? id : NO_ROW);

function auditLogWhere(ctx: DomainContext, filter: AuditLogFilter): Prisma.AuditLogWhereInput {
  requireAdmin(ctx);
  return {
    ...(filter.targetId ? { targetId: uuidOrNone(filter.targetId) } : {}),
    ...(filter.actorId ? { actorId: uuidOrNone(filter.actorId) } : {}),
    ...(filter.action ? { action: filter.action } : {}),
  };
}

/** Admin only: the audit log, newest first (AuditLog_created_idx; by target: AuditLog_target_idx). */
export function listAuditLog(
  ctx: DomainContext,
  filter: AuditLogFilter,
  query: Pick<Prisma.AuditLogFindManyArgs, 'select' | 'take' | 'skip' | 'cursor'> = {},
): Promise<AuditLog[]> {
  return ctx.db.auditLog.findMany({
    ...query,
    where: auditLogWhere(ctx, filter),
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
}

/** How many entries `listAuditLog` pages through. */
export function countAuditLog(ctx: DomainContext, filter: AuditLogFilter): Promise<number> {
  return ctx.db.auditLog.count({ where: auditLogWhere(ctx, filter) });
}

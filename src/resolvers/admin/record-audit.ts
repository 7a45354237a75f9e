import type { DbOrTx } from '../../db/client.js';
import type { Prisma } from '../../generated/prisma/client.js';

export interface AuditEntry {
  /** The admin who acted; null for the command line and ADMIN_EMAILS. */
  actorId: string | null;
  /** What was done, e.g. "user.suspend". */
  action: string;
  targetType: 'User' | 'Course';
  targetId: string;
  before: Prisma.InputJsonObject | null;
  after: Prisma.InputJsonObject | null;
  at: Date;
}

/** Writes one audit row; call it with the transaction that makes the change. */
export async function recordAudit(tx: DbOrTx, entry: AuditEntry): Promise<void> {
  await tx.auditLog.create({
    data: {
      actorId: entry.actorId,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      ...(entry.before ? { before: entry.before } : {}),
      ...(entry.after ? { after: entry.after } : {}),
      createdAt: entry.at,
    },
    select: { id: true },
  });
}

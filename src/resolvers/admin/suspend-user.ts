import { ValidationError } from '../../errors.js';
import type { Prisma, User } from '../../generated/prisma/client.js';
import { requireAdmin } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { inTransaction } from '../shared.js';
import { lockAccount } from './lock-account.js';
import { recordAudit } from './record-audit.js';

export interface SuspendUserInput {
  id: string;
  /** Why, for the audit log. */
  reason?: string | null;
}

/**
 * Admin only: suspends an account. Its tokens stop working at once on this replica (the viewer
 * cache forgets it, and tells the other replicas through Redis) and within VIEWER_CACHE_TTL_MS on
 * the others without Redis; sign-in is refused. An admin
 * cannot suspend themselves. Suspending a suspended account changes nothing and logs nothing.
 */
export async function suspendUser(
  ctx: DomainContext,
  input: SuspendUserInput,
  query?: Selection<Prisma.UserFindUniqueArgs>,
): Promise<User> {
  const admin = requireAdmin(ctx);
  if (input.id === admin.id) throw new ValidationError('You cannot suspend your own account.', 'id');
  const reason = input.reason?.trim().slice(0, 500) || null;
  const user = await inTransaction(ctx, async (tx) => {
    const account = await lockAccount(tx, input.id);
    if (account.accountStatus !== 'SUSPENDED') {
      await tx.user.update({ where: { id: account.id }, data: { accountStatus: 'SUSPENDED' }, select: { id: true } });
      await recordAudit(tx, {
        actorId: admin.id,
        action: 'user.suspend',
        targetType: 'User',
        targetId: account.id,
        before: { accountStatus: account.accountStatus },
        after: { accountStatus: 'SUSPENDED', ...(reason ? { reason } : {}) },
        at: ctx.now(),
      });
    }
    return tx.user.findUniqueOrThrow({ ...query, where: { id: account.id } });
  });
  ctx.viewers.forget(input.id);
  ctx.logger.info({ userId: input.id, by: admin.id }, 'account suspended');
  return user;
}

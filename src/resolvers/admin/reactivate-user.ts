import type { Prisma, User } from '../../generated/prisma/client.js';
import { requireAdmin } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { inTransaction } from '../shared.js';
import { lockAccount } from './lock-account.js';
import { recordAudit } from './record-audit.js';

/** Admin only: lifts a suspension (its tokens work again). An active account is returned unchanged, unlogged. */
export async function reactivateUser(
  ctx: DomainContext,
  input: { id: string },
  query?: Selection<Prisma.UserFindUniqueArgs>,
): Promise<User> {
  const admin = requireAdmin(ctx);
  const user = await inTransaction(ctx, async (tx) => {
    const account = await lockAccount(tx, input.id);
    if (account.accountStatus !== 'ACTIVE') {
      await tx.user.update({ where: { id: account.id }, data: { accountStatus: 'ACTIVE' }, select: { id: true } });
      await recordAudit(tx, {
        actorId: admin.id,
        action: 'user.reactivate',
        targetType: 'User',
        targetId: account.id,
        before: { accountStatus: account.accountStatus },
        after: { accountStatus: 'ACTIVE' },
        at: ctx.now(),
      });
    }
    return tx.user.findUniqueOrThrow({ ...query, where: { id: account.id } });
  });
  ctx.viewers.forget(input.id);
  ctx.logger.info({ userId: input.id, by: admin.id }, 'account reactivated');
  return user;
}

import { ValidationError } from '../../errors.js';
import type { Prisma, User } from '../../generated/prisma/client.js';
import { requireAdmin } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { inTransaction } from '../shared.js';
import { lockAccount } from './lock-account.js';
import { recordAudit } from './record-audit.js';

export interface ChangeUserRoleInput {
  id: string;
  role: 'USER' | 'ADMIN';
}

/**
 * Admin only: makes an account an admin or a plain user. An admin cannot change their own role
 * (so the last admin cannot lock everyone out). Takes effect at once on this replica, within
 * VIEWER_CACHE_TTL_MS on the others. The same role again changes nothing and logs nothing.
 */
export async function changeUserRole(
  ctx: DomainContext,
  input: ChangeUserRoleInput,
  query?: Selection<Prisma.UserFindUniqueArgs>,
): Promise<User> {
  const admin = requireAdmin(ctx);
  if (input.id === admin.id) throw new ValidationError('You cannot change your own role.', 'id');
  const user = await inTransaction(ctx, async (tx) => {
    const account = await lockAccount(tx, input.id);
    if (account.role !== input.role) {
      await tx.user.update({ where: { id: account.id }, data: { role: input.role }, select: { id: true } });
      await recordAudit(tx, {
        actorId: admin.id,
        action: 'user.role',
        targetType: 'User',
        targetId: account.id,
        before: { role: account.role },
        after: { role: input.role },
        at: ctx.now(),
      });
    }
    return tx.user.findUniqueOrThrow({ ...query, where: { id: account.id } });
  });
  ctx.viewers.forget(input.id);
  ctx.logger.info({ userId: input.id, role: input.role, by: admin.id }, 'role changed');
  return user;
}

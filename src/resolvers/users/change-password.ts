import { hashPassword, verifyPassword } from '../../auth/passwords.js';
import { UnauthenticatedError } from '../../errors.js';
import { recordEvent } from '../../events/outbox.js';
import { requireViewer } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import { revokeAllSessions } from '../sessions/revoke-family.js';
import { inTransaction } from '../shared.js';
import { checkPassword } from './normalize.js';

export interface ChangePasswordInput {
  currentPassword: string;
  newPassword: string;
}

/**
 * Changes the signed-in user's password, given the current one (a stolen access token alone
 * cannot). Every other session ends, and the session-less tokens; the current session stays.
 * A notice is mailed. A wrong current password: UNAUTHENTICATED, nothing changes.
 */
export async function changePassword(ctx: DomainContext, input: ChangePasswordInput): Promise<void> {
  const viewer = requireViewer(ctx);
  checkPassword(input.newPassword);
  const user = await ctx.db.user.findUnique({ where: { id: viewer.id }, select: { passwordHash: true } });
  if (!user || !(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw new UnauthenticatedError('The current password is not correct.');
  }
  const passwordHash = await hashPassword(input.newPassword);
  const now = ctx.now();
  await inTransaction(ctx, async (tx) => {
    await tx.user.update({ where: { id: viewer.id }, data: { passwordHash }, select: { id: true } });
    await revokeAllSessions(tx, viewer.id, 'PASSWORD_CHANGED', now, viewer.sessionFamilyId);
    await recordEvent(tx, {
      type: 'user.password_changed',
      payload: { userId: viewer.id, via: 'change' },
      userId: viewer.id,
      aggregateId: viewer.id,
    });
  });
  ctx.viewers.forget(viewer.id);
  ctx.logger.info({ userId: viewer.id }, 'password changed');
}

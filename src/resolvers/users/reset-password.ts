import { hashPassword } from '../../auth/passwords.js';
import { ValidationError } from '../../errors.js';
import { recordEvent } from '../../events/outbox.js';
import { recordAudit } from '../admin/record-audit.js';
import type { DomainContext } from '../domain-context.js';
import { revokeAllSessions } from '../sessions/revoke-family.js';
import { hashToken } from '../sessions/session-tokens.js';
import { inTransaction } from '../shared.js';
import { checkPassword } from './normalize.js';

export interface ResetPasswordInput {
  /** The token of the mailed link. */
  token: string;
  newPassword: string;
}

const INVALID = 'This reset link is not valid or has expired. Ask for a new one.';

/**
 * Sets a new password with a mailed link: the link works once, within 30 minutes. Every session
 * of the account ends (and every session-less token), its other open links are void, and a notice
 * is mailed. An unknown, used or expired link: BAD_USER_INPUT (field `token`), nothing changes.
 */
export async function resetPassword(ctx: DomainContext, input: ResetPasswordInput): Promise<void> {
  checkPassword(input.newPassword);
  const passwordHash = await hashPassword(input.newPassword);
  const now = ctx.now();
  const userId = await inTransaction(ctx, async (tx) => {
    // One conditional UPDATE: of two resets racing with one link, one wins.
    const [link] = await tx.passwordResetToken.updateManyAndReturn({
      where: { tokenHash: hashToken(input.token), usedAt: null, expiresAt: { gt: now }, deletedAt: null },
      data: { usedAt: now },
      select: { userId: true },
    });
    if (!link) return null;
    const { count } = await tx.user.updateMany({
      where: { id: link.userId, accountStatus: 'ACTIVE' },
      data: { passwordHash },
    });
    if (count === 0) return null;
    await tx.passwordResetToken.updateMany({
      where: { userId: link.userId, usedAt: null },
      data: { usedAt: now },
    });
    const sessions = await revokeAllSessions(tx, link.userId, 'PASSWORD_RESET', now);
    await recordEvent(tx, {
      type: 'user.password_changed',
      payload: { userId: link.userId, via: 'reset' },
      userId: link.userId,
      aggregateId: link.userId,
    });
    await recordAudit(tx, {
      actorId: null,
      action: 'user.password_reset',
      targetType: 'User',
      targetId: link.userId,
      before: null,
      after: { revokedSessions: sessions },
      at: now,
    });
    return link.userId;
  });
  if (!userId) throw new ValidationError(INVALID, 'token');
  ctx.viewers.forget(userId);
  ctx.logger.info({ userId }, 'password reset');
}

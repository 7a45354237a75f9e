import { ConflictError, VerificationTokenError } from '../../errors.js';
import { recordEvent } from '../../events/outbox.js';
import type { DomainContext } from '../domain-context.js';
import { inTransaction, isUniqueViolation } from '../shared.js';
import { hashVerificationToken } from './email-verification.js';

export interface VerifyEmailInput {
  token: string;
}

export interface EmailVerified {
  /** The address now verified (the account's email). */
  email: string;
  verifiedAt: Date;
  /** Whether it replaced the sign-in email (a change made by changeEmail). */
  changed: boolean;
}

const TAKEN = 'The new email address belongs to another account now: ask for the change again with another address.';

/**
 * Follows a verification link: the token's address becomes the account's verified email. For
 * a pending change (changeEmail) the address replaces the sign-in email only now, and only if no
 * other live account took it meanwhile (CONFLICT, the change stays pending). Tokens are single-use
 * and expire; no sign-in needed (the link may be opened anywhere).
 */
export async function verifyEmail(ctx: DomainContext, input: VerifyEmailInput): Promise<EmailVerified> {
  const now = ctx.now();
  const tokenHash = hashVerificationToken(input.token.trim());
  try {
    const user = await inTransaction(ctx, async (tx) => {
      const token = await tx.emailVerificationToken.findUnique({ where: { tokenHash } });
      if (!token) throw new VerificationTokenError('UNKNOWN', 'This verification token is not valid.');
      if (token.usedAt) throw new VerificationTokenError('USED', 'This verification token was used already.');
      if (token.expiresAt <= now) {
        throw new VerificationTokenError('EXPIRED', 'This verification token has expired: ask for a new one.');
      }
      // Locks the account row: a concurrent verification or change of it waits for this one.
      const [account] = await tx.$queryRaw<{ email: string; pendingEmail: string | null }[]>`
        SELECT "email", "pendingEmail" FROM "User"
        WHERE "id" = ${token.userId}::uuid AND "deletedAt" IS NULL FOR UPDATE`;
      if (!account) throw new VerificationTokenError('UNKNOWN', 'This verification token is not valid.');
      const change = token.email === account.pendingEmail && token.email !== account.email;
      if (!change && token.email !== account.email) {
        throw new VerificationTokenError(
          'SUPERSEDED',
          'This verification token is for an address no longer asked for.',
        );
      }
      // Single use, even against a concurrent request with the same token.
      const used = await tx.emailVerificationToken.updateMany({
        where: { id: token.id, usedAt: null },
        data: { usedAt: now },
      });
      if (used.count !== 1) throw new VerificationTokenError('USED', 'This verification token was used already.');
      if (change) {
        const taken = await tx.user.findFirst({ where: { email: token.email }, select: { id: true } });
        if (taken) throw new ConflictError(TAKEN, { reason: 'EMAIL_TAKEN' });
      }
      await tx.user.update({
        where: { id: token.userId, deletedAt: null },
        select: { id: true },
        data: change ? { email: token.email, pendingEmail: null, emailVerifiedAt: now } : { emailVerifiedAt: now },
      });
      await recordEvent(tx, {
        type: 'user.updated',
        payload: { userId: token.userId, changed: change ? ['email', 'emailVerifiedAt'] : ['emailVerifiedAt'] },
        userId: token.userId,
        aggregateId: token.userId,
      });
      return { userId: token.userId, email: token.email, verifiedAt: now, changed: change };
    });
    ctx.viewers.forget(user.userId);
    ctx.logger.info({ userId: user.userId }, 'email verified');
    return { email: user.email, verifiedAt: user.verifiedAt, changed: user.changed };
  } catch (err) {
    // Another account took the address between the check and the update: the unique index decides.
    if (isUniqueViolation(err)) throw new ConflictError(TAKEN, { reason: 'EMAIL_TAKEN' });
    throw err;
  }
}

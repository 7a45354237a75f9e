import { verifyPassword } from '../../auth/passwords.js';
import { ConflictError, UnauthenticatedError } from '../../errors.js';
import { recordEvent } from '../../events/outbox.js';
import type { Prisma, User } from '../../generated/prisma/client.js';
import { requireViewer } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { inTransaction } from '../shared.js';
import { normalizeEmail } from './normalize.js';

export interface ChangeEmailInput {
  newEmail: string;
  /** The current password, so a stolen token alone cannot take the account over. */
  currentPassword: string;
}

/**
 * Asks to change the viewer's email: the new address becomes `pendingEmail` and gets a
 * verification link (user.emailVerificationRequested); `email` stays the sign-in address until
 * that link is followed (verifyEmail). A newer request replaces a pending one (its link stops
 * working). An address of another live account is refused now (CONFLICT), and checked again at
 * verification. Asking for the current address again cancels a pending change.
 */
export async function changeEmail(
  ctx: DomainContext,
  input: ChangeEmailInput,
  query?: Selection<Prisma.UserFindUniqueArgs>,
): Promise<User> {
  const viewer = requireViewer(ctx);
  const newEmail = normalizeEmail(input.newEmail);
  const account = await ctx.db.user.findUnique({
    where: { id: viewer.id },
    select: { email: true, passwordHash: true },
  });
  if (!account || !(await verifyPassword(account.passwordHash, input.currentPassword))) {
    throw new UnauthenticatedError('The password is not correct.');
  }
  const cancel = newEmail === account.email;
  if (!cancel) {
    const taken = await ctx.db.user.findFirst({ where: { email: newEmail }, select: { id: true } });
    if (taken) throw new ConflictError('An account with this email already exists.', { reason: 'EMAIL_TAKEN' });
  }
  return inTransaction(ctx, async (tx) => {
    const user = await tx.user.update({
      ...query,
      where: { id: viewer.id, deletedAt: null },
      data: { pendingEmail: cancel ? null : newEmail },
    });
    await recordEvent(tx, {
      type: 'user.updated',
      payload: { userId: viewer.id, changed: ['pendingEmail'] },
      userId: viewer.id,
      aggregateId: viewer.id,
    });
    if (!cancel) {
      await recordEvent(tx, {
        type: 'user.emailVerificationRequested',
        payload: { userId: viewer.id, email: newEmail },
        userId: viewer.id,
        aggregateId: viewer.id,
      });
    }
    return user;
  });
}

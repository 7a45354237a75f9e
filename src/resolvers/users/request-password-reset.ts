import { recordEvent } from '../../events/outbox.js';
import type { DomainContext } from '../domain-context.js';
import { inTransaction } from '../shared.js';
import { normalizeEmail } from './normalize.js';

export interface RequestPasswordResetInput {
  email: string;
  /** The address asking, kept with the link. */
  ip?: string | null;
}

/**
 * Asks for a password-reset mail. The answer is the same whether an account has the address or
 * not (no account enumeration), and so is the work the request waits for, give or take one insert:
 * the link is made and mailed afterwards, by the `send-password-reset` handler. A malformed
 * address is answered the same too.
 */
export async function requestPasswordReset(ctx: DomainContext, input: RequestPasswordResetInput): Promise<void> {
  let email: string;
  try {
    email = normalizeEmail(input.email);
  } catch {
    return;
  }
  const user = await ctx.db.user.findFirst({ where: { email }, select: { id: true, accountStatus: true } });
  // A suspended account gets no link: it could not sign in with the new password anyway.
  if (!user || user.accountStatus !== 'ACTIVE') return;
  await inTransaction(ctx, (tx) =>
    recordEvent(tx, {
      type: 'user.password_reset_requested',
      payload: { userId: user.id, requestedIp: input.ip ?? null },
      userId: user.id,
      aggregateId: user.id,
    }),
  );
}

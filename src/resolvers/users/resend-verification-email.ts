import { ValidationError } from '../../errors.js';
import { recordEvent } from '../../events/outbox.js';
import { requireViewer } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import { inTransaction } from '../shared.js';

/**
 * Sends the viewer a new verification link: for the pending address of a change, or else for an
 * unverified email (earlier links keep working until they expire). Nothing to verify:
 * BAD_USER_INPUT. Rate-limited per account (RATE_LIMIT_VERIFICATION_EMAIL, src/server/rate-limits.ts).
 */
export async function resendVerificationEmail(
  ctx: DomainContext,
  _input: Record<string, never> = {},
): Promise<{ email: string }> {
  const viewer = requireViewer(ctx);
  const account = await ctx.db.user.findUniqueOrThrow({
    where: { id: viewer.id },
    select: { email: true, pendingEmail: true, emailVerifiedAt: true },
  });
  const email = account.pendingEmail ?? (account.emailVerifiedAt ? null : account.email);
  if (!email) throw new ValidationError('The email address is verified already; there is nothing to verify.');
  await inTransaction(ctx, (tx) =>
    recordEvent(tx, {
      type: 'user.emailVerificationRequested',
      payload: { userId: viewer.id, email },
      userId: viewer.id,
      aggregateId: viewer.id,
    }),
  );
  return { email };
}

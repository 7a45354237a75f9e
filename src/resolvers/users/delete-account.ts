import { randomUUID } from 'node:crypto';
import { verifyPassword } from '../../auth/passwords.js';
import { UnauthenticatedError } from '../../errors.js';
import { recordEvent } from '../../events/outbox.js';
import { requireViewer } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import type { Deletion } from '../deletion.js';
import { inTransaction } from '../shared.js';

export interface DeleteAccountInput {
  /** The current password, so a stolen token alone cannot delete an account. */
  password: string;
}

/**
 * Soft-deletes the viewer's account and everything it owns, in one transaction and under one
 * deletionId (so an operator can restore it whole). The email becomes free for a new sign-up.
 */
export async function deleteAccount(
  ctx: DomainContext,
  input: DeleteAccountInput,
): Promise<Deletion & { deletedAt: Date }> {
  const viewer = requireViewer(ctx);
  const user = await ctx.db.user.findUnique({ where: { id: viewer.id }, select: { passwordHash: true } });
  if (!user || !(await verifyPassword(user.passwordHash, input.password))) {
    throw new UnauthenticatedError('The password is not correct.');
  }
  const now = ctx.now();
  const deletionId = randomUUID();
  await inTransaction(ctx, async (tx) => {
    const owned = { where: { userId: viewer.id }, deletionId, now };
    // Children first: no live row may point at a deleted parent.
    await tx.studySession.deleteMany(owned);
    await tx.assignment.deleteMany(owned);
    await tx.lecture.deleteMany(owned);
    await tx.lectureSeries.deleteMany(owned);
    await tx.course.deleteMany(owned);
    await tx.notification.deleteMany(owned);
    await tx.notificationPreference.deleteMany(owned);
    // Its Apple/Google identities go with it: the provider account may sign up anew.
    await tx.userIdentity.deleteMany(owned);
    // Push devices are removed for good, not soft-deleted (docs/push.md): nothing more is pushed.
    await tx.$executeRaw`DELETE FROM "Device" WHERE "userId" = ${viewer.id}::uuid`;
    await tx.user.delete({ where: { id: viewer.id }, deletionId, now });
    await recordEvent(tx, {
      type: 'user.deleted',
      payload: { userId: viewer.id },
      userId: viewer.id,
      aggregateId: viewer.id,
    });
  });
  // Its token must stop working now, not when the cached lookup expires.
  ctx.viewers.forget(viewer.id);
  ctx.logger.info({ userId: viewer.id, deletionId }, 'account deleted');
  return { deletedId: viewer.id, deletionId, deletedAt: now };
}

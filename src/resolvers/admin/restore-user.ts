import { ConflictError } from '../../errors.js';
import type { Prisma, User } from '../../generated/prisma/client.js';
import { requireAdmin } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { inTransaction } from '../shared.js';
import { lockAccount } from './lock-account.js';
import { recordAudit } from './record-audit.js';

/**
 * Admin only: brings back a deleted account and exactly the rows its deletion took (the same
 * deletionId: courses, tasks, notifications, preferences); rows the student had deleted before
 * stay deleted. CONFLICT when a live account has taken its email since. An account that is not
 * deleted is returned unchanged, unlogged. Only until the purge job removes it
 * (DELETED_RETENTION_DAYS).
 */
export async function restoreUser(
  ctx: DomainContext,
  input: { id: string },
  query?: Selection<Prisma.UserFindUniqueArgs>,
): Promise<User> {
  const admin = requireAdmin(ctx);
  const user = await inTransaction(ctx, async (tx) => {
    const account = await lockAccount(tx, input.id, { includeDeleted: true });
    if (account.deletedAt) {
      const taken = await tx.user.findFirst({ where: { email: account.email }, select: { id: true } });
      if (taken) throw new ConflictError('A live account has this email now; the account cannot be restored.');
      const deletionId = account.deletionId ?? undefined;
      await tx.user.restore({ where: { id: account.id }, deletionId });
      const restored: Record<string, number> = {};
      if (deletionId) {
        const owned = { where: { userId: account.id }, deletionId };
        restored.notificationPreferences = (await tx.notificationPreference.restore(owned)).count;
        restored.notifications = (await tx.notification.restore(owned)).count;
        // Parents first: no live row may point at a deleted one.
        restored.courses = (await tx.course.restore(owned)).count;
        restored.assignments = (await tx.assignment.restore(owned)).count;
        restored.lectureSeries = (await tx.lectureSeries.restore(owned)).count;
        restored.lectures = (await tx.lecture.restore(owned)).count;
        restored.studySessions = (await tx.studySession.restore(owned)).count;
      }
      await recordAudit(tx, {
        actorId: admin.id,
        action: 'user.restore',
        targetType: 'User',
        targetId: account.id,
        before: { deletedAt: account.deletedAt.toISOString(), deletionId: account.deletionId },
        after: { deletedAt: null, restored },
        at: ctx.now(),
      });
      ctx.logger.info({ userId: account.id, by: admin.id, restored }, 'account restored');
    }
    return tx.user.findUniqueOrThrow({ ...query, where: { id: account.id } });
  });
  // This replica may remember the deleted account as "no viewer": its tokens work again now.
  ctx.viewers.forget(input.id);
  return user;
}

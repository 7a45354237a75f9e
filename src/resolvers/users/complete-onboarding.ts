import { recordEvent } from '../../events/outbox.js';
import type { Prisma, User } from '../../generated/prisma/client.js';
import { requireViewer } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { inTransaction } from '../shared.js';

/** Marks onboarding done. Calling it again changes nothing and records no second event. */
export async function completeOnboarding(
  ctx: DomainContext,
  _input: Record<string, never> = {},
  query?: Selection<Prisma.UserFindUniqueArgs>,
): Promise<User> {
  const viewer = requireViewer(ctx);
  return inTransaction(ctx, async (tx) => {
    const { count } = await tx.user.updateMany({
      where: { id: viewer.id, deletedAt: null, onboardingCompleted: false },
      data: { onboardingCompleted: true },
    });
    if (count > 0) {
      await recordEvent(tx, {
        type: 'user.onboarded',
        payload: { userId: viewer.id },
        userId: viewer.id,
        aggregateId: viewer.id,
      });
    }
    return tx.user.findUniqueOrThrow({ ...query, where: { id: viewer.id } });
  });
}

import type { DomainContext } from '../context.js';
import { recordEvent } from '../../events/outbox.js';
import type { User } from '../../generated/prisma/client.js';
import { inTransaction, requireViewer } from '../shared.js';

/**
 * Marks onboarding done. Calling it again changes nothing and records no second event. `query`
 * (the GraphQL selection, e.g. counts) is merged into the read of the result.
 */
export async function completeOnboarding(ctx: DomainContext, query: object = {}): Promise<User> {
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

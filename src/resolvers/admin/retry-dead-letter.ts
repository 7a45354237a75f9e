import { ConflictError, NotFoundError } from '../../errors.js';
import type { EventDelivery } from '../../generated/prisma/client.js';
import { isUuid, requireAdmin } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import { inTransaction } from '../shared.js';

/**
 * Admin only: puts a dead-lettered delivery back in the queue with a fresh set of attempts, and
 * its event back among the unprocessed ones. The bus picks it up at once.
 */
export async function retryDeadLetter(ctx: DomainContext, input: { id: string }): Promise<EventDelivery> {
  const admin = requireAdmin(ctx);
  if (!isUuid(input.id)) throw new NotFoundError('EventDelivery');
  const now = ctx.now();
  const delivery = await inTransaction(ctx, async (tx) => {
    const row = await tx.eventDelivery.findUnique({ where: { id: input.id } });
    if (!row) throw new NotFoundError('EventDelivery');
    if (row.status !== 'DEAD') throw new ConflictError(`The delivery is ${row.status}, not dead-lettered.`);
    await tx.outboxEvent.update({ where: { id: row.eventId }, data: { processedAt: null } });
    return tx.eventDelivery.update({
      where: { id: row.id },
      data: { status: 'PENDING', attempts: 0, nextAttemptAt: now, lockedUntil: null },
    });
  });
  ctx.logger.info({ deliveryId: delivery.id, handler: delivery.handler, by: admin.id }, 'dead letter re-queued');
  return delivery;
}

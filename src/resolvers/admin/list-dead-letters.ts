import type { EventDelivery, Prisma } from '../../generated/prisma/client.js';
import { requireAdmin } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import type { PageQuery } from '../page.js';

export interface ListDeadLettersInput {
  /** Only this handler's deliveries. */
  handler?: string | null;
}

/** Admin only: the where clause of dead-lettered deliveries, optionally of one handler. */
function deadLettersWhere(ctx: DomainContext, input: ListDeadLettersInput): Prisma.EventDeliveryWhereInput {
  requireAdmin(ctx);
  return { status: 'DEAD', ...(input.handler ? { handler: input.handler } : {}) };
}

/** Admin only: a page of the deliveries that failed every try, newest first. */
export function listDeadLetters(
  ctx: DomainContext,
  input: ListDeadLettersInput,
  query?: PageQuery<Prisma.EventDeliveryFindManyArgs>,
): Promise<EventDelivery[]> {
  return ctx.db.eventDelivery.findMany({
    ...query,
    where: deadLettersWhere(ctx, input),
    orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
  });
}

/** Admin only: how many deliveries `listDeadLetters` pages through. */
export function countDeadLetters(ctx: DomainContext, input: ListDeadLettersInput): Promise<number> {
  return ctx.db.eventDelivery.count({ where: deadLettersWhere(ctx, input) });
}

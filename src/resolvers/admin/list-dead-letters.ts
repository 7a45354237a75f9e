import type { DomainContext } from '../context.js';
import { ForbiddenError } from '../../errors.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { requireViewer } from '../shared.js';

/** Admin only: the where clause of dead-lettered deliveries, optionally of one handler. */
export function deadLettersWhere(
  ctx: DomainContext,
  input: { handler?: string | null },
): Prisma.EventDeliveryWhereInput {
  const viewer = requireViewer(ctx);
  if (viewer.role !== 'ADMIN') throw new ForbiddenError();
  return { status: 'DEAD', ...(input.handler ? { handler: input.handler } : {}) };
}

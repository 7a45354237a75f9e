import type { Assignment, Prisma } from '../../generated/prisma/client.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { setCompletion } from './set-completion.js';

/**
 * Marks the viewer's assignment done at `ctx.now()` and records `assignment.completed`.
 * Completing a completed assignment returns it unchanged and records nothing.
 */
export function completeAssignment(
  ctx: DomainContext,
  input: { id: string },
  query?: Selection<Prisma.AssignmentFindUniqueArgs>,
): Promise<Assignment> {
  return setCompletion(ctx, { id: input.id, completed: true }, query);
}

import type { Assignment, Prisma } from '../../generated/prisma/client.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { setCompletion } from './set-completion.js';

/**
 * Marks the viewer's completed assignment as not done and records `assignment.reopened`.
 * Reopening an assignment that is not completed returns it unchanged and records nothing.
 */
export function reopenAssignment(
  ctx: DomainContext,
  input: { id: string },
  query?: Selection<Prisma.AssignmentFindUniqueArgs>,
): Promise<Assignment> {
  return setCompletion(ctx, { id: input.id, completed: false }, query);
}

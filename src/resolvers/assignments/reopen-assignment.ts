import type { DomainContext } from '../context.js';
import type { Assignment } from '../../generated/prisma/client.js';
import { setCompletion } from './set-completion.js';

/**
 * Marks the viewer's completed assignment as not done and records `assignment.reopened`.
 * Reopening an assignment that is not completed returns it unchanged and records nothing.
 */
export function reopenAssignment(ctx: DomainContext, id: string, query: object = {}): Promise<Assignment> {
  return setCompletion(ctx, { id, completed: false }, query);
}

import type { DomainContext } from '../context.js';
import type { Assignment } from '../../generated/prisma/client.js';
import { setCompletion } from './set-completion.js';

/**
 * Marks the viewer's assignment done at `ctx.now()` and records `assignment.completed`.
 * Completing a completed assignment returns it unchanged and records nothing.
 */
export function completeAssignment(ctx: DomainContext, id: string, query: object = {}): Promise<Assignment> {
  return setCompletion(ctx, { id, completed: true }, query);
}

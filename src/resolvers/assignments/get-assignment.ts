import type { DomainContext } from '../context.js';
import type { Assignment } from '../../generated/prisma/client.js';
import { findOwnedAssignment } from '../ownership.js';

/**
 * One live assignment: the viewer's own, or anyone's for an admin. Any other id is NOT_FOUND.
 * `query` is the Prisma include/select the GraphQL layer wants merged into the same query.
 */
export function getAssignment(ctx: DomainContext, id: string, query: object = {}): Promise<Assignment> {
  return findOwnedAssignment(ctx, ctx.db, id, 'read', query);
}

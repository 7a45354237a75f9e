import { NotFoundError } from '../../errors.js';
import type { Assignment, Prisma } from '../../generated/prisma/client.js';
import { accessWhere } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';

/**
 * One live assignment: the viewer's own, or anyone's for an admin. Any other id is NOT_FOUND.
 * `query` is the Prisma include/select the GraphQL layer wants merged into the same query.
 */
export async function getAssignment(
  ctx: DomainContext,
  input: { id: string },
  query?: Selection<Prisma.AssignmentFindUniqueArgs>,
): Promise<Assignment> {
  const where = accessWhere(ctx, 'Assignment', input.id, 'read');
  const assignment = await ctx.db.assignment.findFirst({ ...query, where });
  if (!assignment) throw new NotFoundError('Assignment');
  return assignment;
}

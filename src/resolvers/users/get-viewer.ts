import { NotFoundError } from '../../errors.js';
import type { Prisma, User } from '../../generated/prisma/client.js';
import { requireViewer } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';

/**
 * The signed-in user's row. `query` is a Prisma include/select the caller wants merged in (the
 * GraphQL layer passes the relations the operation asks for, so they load in the same query).
 * `input` is empty: the viewer is the row.
 */
export async function getViewer(
  ctx: DomainContext,
  _input: Record<string, never> = {},
  query?: Selection<Prisma.UserFindUniqueArgs>,
): Promise<User> {
  const viewer = requireViewer(ctx);
  const user = await ctx.db.user.findUnique({ ...query, where: { id: viewer.id } });
  if (!user) throw new NotFoundError('User');
  return user;
}

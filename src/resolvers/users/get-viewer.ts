import type { DomainContext } from '../context.js';
import { NotFoundError } from '../../errors.js';
import type { User } from '../../generated/prisma/client.js';
import { requireViewer } from '../shared.js';

/**
 * The signed-in user's row. `query` is a Prisma include/select the caller wants merged in (the
 * GraphQL layer passes the relations the operation asks for, so they load in the same query).
 */
export async function getViewer(ctx: DomainContext, query: object = {}): Promise<User> {
  const viewer = requireViewer(ctx);
  const user = await ctx.db.user.findUnique({ ...query, where: { id: viewer.id } });
  if (!user) throw new NotFoundError('User');
  return user;
}

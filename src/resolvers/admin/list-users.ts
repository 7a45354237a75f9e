import type { Prisma, User } from '../../generated/prisma/client.js';
import { requireAdmin } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import type { PageQuery } from '../page.js';

export interface ListUsersInput {
  /** Case-insensitive match on email, first or last name. */
  search?: string | null;
  status?: 'ACTIVE' | 'SUSPENDED' | null;
}

/** Admin only: the where clause of the user list. */
function usersWhere(ctx: DomainContext, input: ListUsersInput): Prisma.UserWhereInput {
  requireAdmin(ctx);
  // Prisma's `contains` is a LIKE pattern: escape its wildcards so "%" and "_" match themselves.
  const search = input.search?.trim().replace(/[\\%_]/g, '\\$&');
  return {
    ...(input.status ? { accountStatus: input.status } : {}),
    ...(search
      ? {
          OR: [
            { email: { contains: search, mode: 'insensitive' } },
            { firstName: { contains: search, mode: 'insensitive' } },
            { lastName: { contains: search, mode: 'insensitive' } },
          ],
        }
      : {}),
  };
}

/** Admin only: a page of every live account, newest first. `query` carries paging and relations. */
export function listUsers(
  ctx: DomainContext,
  input: ListUsersInput,
  query?: PageQuery<Prisma.UserFindManyArgs>,
): Promise<User[]> {
  return ctx.db.user.findMany({
    ...query,
    where: usersWhere(ctx, input),
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
}

/** Admin only: how many accounts `listUsers` pages through. */
export function countUsers(ctx: DomainContext, input: ListUsersInput): Promise<number> {
  return ctx.db.user.count({ where: usersWhere(ctx, input) });
}

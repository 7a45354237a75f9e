import type { DomainContext } from '../context.js';
import { ForbiddenError } from '../../errors.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { requireViewer } from '../shared.js';

export interface ListUsersInput {
  /** Case-insensitive match on email, first or last name. */
  search?: string | null;
  status?: 'ACTIVE' | 'SUSPENDED' | null;
}

/** The where clause of the admin user list; the connection layer adds paging. */
export function listUsersWhere(ctx: DomainContext, input: ListUsersInput): Prisma.UserWhereInput {
  const viewer = requireViewer(ctx);
  if (viewer.role !== 'ADMIN') throw new ForbiddenError();
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

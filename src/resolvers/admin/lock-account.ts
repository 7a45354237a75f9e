import type { Tx } from '../../db/client.js';
import { NotFoundError } from '../../errors.js';
import { isUuid } from '../access.js';

export interface LockedAccount {
  id: string;
  email: string;
  role: 'USER' | 'ADMIN';
  accountStatus: 'ACTIVE' | 'SUSPENDED';
  deletedAt: Date | null;
  deletionId: string | null;
}

/**
 * Admin operations on an account: locks the user row `id` (FOR UPDATE) until `tx` ends and
 * returns the columns the admin mutations decide on; NOT_FOUND when there is no such row (or it
 * is deleted, unless `includeDeleted`). Callers have checked requireAdmin.
 */
export async function lockAccount(
  tx: Tx,
  id: string,
  options: { includeDeleted?: boolean } = {},
): Promise<LockedAccount> {
  if (!isUuid(id)) throw new NotFoundError('User');
  const rows = await tx.$queryRaw<LockedAccount[]>`
    SELECT "id", "email", "role"::text AS "role", "accountStatus"::text AS "accountStatus", "deletedAt", "deletionId"
    FROM "User" WHERE "id" = ${id}::uuid
    FOR UPDATE`;
  const row = rows[0];
  if (!row || (row.deletedAt && !options.includeDeleted)) throw new NotFoundError('User');
  return row;
}

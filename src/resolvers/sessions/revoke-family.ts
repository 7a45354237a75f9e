import type { DbOrTx } from '../../db/client.js';
import type { RevokeReason } from './session-tokens.js';

/** Revokes every live row of one session family of `userId`; answers how many rows it took. */
export async function revokeFamily(
  db: DbOrTx,
  family: { userId: string; familyId: string },
  reason: RevokeReason,
  now: Date,
): Promise<number> {
  const { count } = await db.session.updateMany({
    where: { userId: family.userId, familyId: family.familyId, revokedAt: null, deletedAt: null },
    data: { revokedAt: now, revokedReason: reason },
  });
  return count;
}

/**
 * Revokes every session of `userId` (but the family `keepFamilyId`, when given) and refuses the
 * session-less tokens issued until now (User.sessionsRevokedAt). Call `ctx.viewers.forget` after
 * the transaction commits.
 */
export async function revokeAllSessions(
  db: DbOrTx,
  userId: string,
  reason: RevokeReason,
  now: Date,
  keepFamilyId?: string | null,
): Promise<number> {
  const { count } = await db.session.updateMany({
    where: {
      userId,
      revokedAt: null,
      deletedAt: null,
      ...(keepFamilyId ? { familyId: { not: keepFamilyId } } : {}),
    },
    data: { revokedAt: now, revokedReason: reason },
  });
  await db.user.update({ where: { id: userId }, data: { sessionsRevokedAt: now }, select: { id: true } });
  return count;
}

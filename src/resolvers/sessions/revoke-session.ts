import { NotFoundError } from '../../errors.js';
import { isUuid, requireViewer } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import { revokeFamily } from './revoke-family.js';

export interface RevokeSessionInput {
  /** The id of a session of `me.sessions`. */
  id: string;
}

/**
 * Ends one of the viewer's own sessions (a lost phone): its family is revoked as signOut would.
 * Someone else's session, an unknown id or one already ended: NOT_FOUND.
 */
export async function revokeSession(ctx: DomainContext, input: RevokeSessionInput): Promise<{ id: string }> {
  const viewer = requireViewer(ctx);
  if (!isUuid(input.id)) throw new NotFoundError('Session');
  const now = ctx.now();
  const session = await ctx.db.session.findFirst({
    where: { id: input.id, userId: viewer.id, revokedAt: null, expiresAt: { gt: now } },
    select: { id: true, familyId: true },
  });
  if (!session) throw new NotFoundError('Session');
  const count = await revokeFamily(ctx.db, { userId: viewer.id, familyId: session.familyId }, 'REVOKED', now);
  if (count === 0) throw new NotFoundError('Session');
  ctx.viewers.forget(viewer.id);
  ctx.logger.info({ userId: viewer.id, familyId: session.familyId }, 'session revoked');
  return { id: session.id };
}

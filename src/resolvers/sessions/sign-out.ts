import { ValidationError } from '../../errors.js';
import { requireViewer } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import { revokeFamily } from './revoke-family.js';

/**
 * Signs the current session out: its family is revoked, so its access and refresh tokens stop
 * working at once on this replica, within VIEWER_CACHE_TTL_MS on the others, and its open
 * subscriptions end within WS_AUTH_RECHECK_MS. A session-less (deprecated) token has no session
 * to end: BAD_USER_INPUT, use signOutEverywhere.
 */
export async function signOut(ctx: DomainContext, _input: Record<string, never> = {}): Promise<boolean> {
  const viewer = requireViewer(ctx);
  if (!viewer.sessionFamilyId)
    throw new ValidationError('This token belongs to no session: use signOutEverywhere to end it.');
  await revokeFamily(ctx.db, { userId: viewer.id, familyId: viewer.sessionFamilyId }, 'SIGNED_OUT', ctx.now());
  ctx.viewers.forget(viewer.id);
  ctx.logger.info({ userId: viewer.id, familyId: viewer.sessionFamilyId }, 'signed out');
  return true;
}

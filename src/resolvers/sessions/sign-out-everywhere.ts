import { requireViewer } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import { revokeAllSessions } from './revoke-family.js';

/**
 * Ends every session of the signed-in user, the current one included, and refuses every
 * session-less (deprecated 7-day) token issued until now. Answers how many sessions it ended.
 */
export async function signOutEverywhere(ctx: DomainContext, _input: Record<string, never> = {}): Promise<number> {
  const viewer = requireViewer(ctx);
  const count = await ctx.db.$transaction((tx) => revokeAllSessions(tx, viewer.id, 'SIGNED_OUT_EVERYWHERE', ctx.now()));
  ctx.viewers.forget(viewer.id);
  ctx.logger.info({ userId: viewer.id, sessions: count }, 'signed out everywhere');
  return count;
}

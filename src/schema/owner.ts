import type { Context } from '../context.js';

/**
 * Where-clause fragment that limits a row lookup to what the viewer may read: their own rows,
 * or any row for an admin. Used by `node(id)` lookups so ids of other users' rows find nothing.
 */
export function ownedBy(ctx: Context): { userId?: string } {
  if (ctx.viewer?.role === 'ADMIN') return {};
  return { userId: ctx.viewer?.id ?? '00000000-0000-0000-0000-000000000000' };
}

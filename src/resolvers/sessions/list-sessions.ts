import type { Session } from '../../generated/prisma/client.js';
import { mayAccess, requireViewer } from '../access.js';
import type { DomainContext } from '../domain-context.js';

export type SessionRow = Pick<
  Session,
  'id' | 'familyId' | 'deviceName' | 'userAgent' | 'ip' | 'signedInAt' | 'lastUsedAt' | 'expiresAt'
> & { current: boolean };

/** At most this many sessions are listed (the most recently used). */
export const SESSIONS_LISTED = 100;

/**
 * The live sessions of `userId` (the viewer, or anyone for an admin), most recently used first:
 * one row per signed-in device (the newest row of each family). `current` marks the viewer's own.
 */
export async function listSessions(ctx: DomainContext, input: { userId: string }): Promise<SessionRow[]> {
  const viewer = requireViewer(ctx);
  if (!mayAccess(viewer, input.userId)) return [];
  const rows = await ctx.db.session.findMany({
    where: { userId: input.userId, revokedAt: null, usedAt: null, expiresAt: { gt: ctx.now() } },
    select: {
      id: true,
      familyId: true,
      deviceName: true,
      userAgent: true,
      ip: true,
      signedInAt: true,
      lastUsedAt: true,
      expiresAt: true,
    },
    orderBy: [{ lastUsedAt: 'desc' }, { id: 'desc' }],
    take: SESSIONS_LISTED,
  });
  return rows.map((row) => ({ ...row, current: row.familyId === viewer.sessionFamilyId }));
}

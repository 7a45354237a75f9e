import { ForbiddenError } from '../../errors.js';
import type { DomainContext } from '../domain-context.js';
import { recordAudit } from '../admin/record-audit.js';
import { tokensFor, type IssuedSession } from './issue-session.js';
import { revokeFamily } from './revoke-family.js';
import { SessionError, hashToken, newOpaqueToken, type DeviceInfo } from './session-tokens.js';

export interface RefreshSessionInput {
  refreshToken: string;
  /** Where the refresh comes from (the address is kept as the session's last). */
  device?: DeviceInfo;
}

/**
 * Exchanges a refresh token for the next one and a new access token (rotation). The exchange is
 * one conditional UPDATE … RETURNING: of two refreshes racing with one token, exactly one marks it
 * used. A token presented again after its exchange is a replay (OAuth 2.0 Security BCP, 4.14):
 * the whole family is revoked, the newer tokens with it, and the answer is
 * REFRESH_TOKEN_REUSED. Unknown, expired and revoked tokens change nothing.
 */
export async function refreshSession(ctx: DomainContext, input: RefreshSessionInput): Promise<IssuedSession> {
  const now = ctx.now();
  const tokenHash = hashToken(input.refreshToken);
  const nextToken = newOpaqueToken();
  const issued = await ctx.db.$transaction(async (tx) => {
    const [used] = await tx.session.updateManyAndReturn({
      where: { tokenHash, usedAt: null, revokedAt: null, expiresAt: { gt: now }, deletedAt: null },
      data: { usedAt: now, lastUsedAt: now },
      select: { id: true, userId: true, familyId: true, deviceName: true, userAgent: true, ip: true, signedInAt: true },
    });
    if (!used) return null;
    const user = await tx.user.findUnique({ where: { id: used.userId } });
    // Rolls the exchange back: the token stays unused, and works again once the account is reactivated.
    if (!user) throw new SessionError('INVALID_REFRESH_TOKEN', 'This refresh token is not valid. Sign in again.');
    if (user.accountStatus !== 'ACTIVE') throw new ForbiddenError('This account is suspended.');
    const next = await tx.session.create({
      data: {
        userId: used.userId,
        familyId: used.familyId,
        tokenHash: hashToken(nextToken),
        deviceName: used.deviceName,
        userAgent: input.device?.userAgent?.trim().slice(0, 500) || used.userAgent,
        ip: input.device?.ip?.slice(0, 64) || used.ip,
        signedInAt: used.signedInAt,
        lastUsedAt: now,
        expiresAt: new Date(now.getTime() + ctx.tokens.refreshTokenTtlSeconds * 1000),
      },
      select: { id: true, familyId: true, expiresAt: true },
    });
    return { user, next };
  });
  if (issued) return tokensFor(ctx, issued.user, issued.next, nextToken);
  throw await refusal(ctx, tokenHash, now);
}

/** Why a token could not be exchanged; a replay revokes its family first. */
async function refusal(ctx: DomainContext, tokenHash: string, now: Date): Promise<SessionError> {
  const row = await ctx.db.session.findUnique({
    where: { tokenHash },
    select: { userId: true, familyId: true, usedAt: true, revokedAt: true, expiresAt: true },
  });
  if (!row) return new SessionError('INVALID_REFRESH_TOKEN', 'This refresh token is not valid. Sign in again.');
  if (row.revokedAt)
    return new SessionError('SESSION_REVOKED', 'This session has been signed out or revoked. Sign in again.');
  if (row.usedAt) {
    const revoked = await ctx.db.$transaction(async (tx) => {
      const count = await revokeFamily(tx, { userId: row.userId, familyId: row.familyId }, 'REUSE_DETECTED', now);
      // An operator wants to see a possible token theft.
      await recordAudit(tx, {
        actorId: null,
        action: 'session.reuse_detected',
        targetType: 'User',
        targetId: row.userId,
        before: null,
        after: { familyId: row.familyId, revokedSessions: count },
        at: now,
      });
      return count;
    });
    ctx.viewers.forget(row.userId);
    ctx.logger.warn(
      { userId: row.userId, familyId: row.familyId, revoked },
      'refresh token replayed: session family revoked',
    );
    return new SessionError(
      'REFRESH_TOKEN_REUSED',
      'This refresh token was already used: the session has been revoked for safety. Sign in again.',
    );
  }
  if (row.expiresAt <= now)
    return new SessionError('REFRESH_TOKEN_EXPIRED', 'This refresh token has expired. Sign in again.');
  return new SessionError('INVALID_REFRESH_TOKEN', 'This refresh token is not valid. Sign in again.');
}

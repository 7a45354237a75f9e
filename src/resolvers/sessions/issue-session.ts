import type { Session, User } from '../../generated/prisma/client.js';
import type { DbOrTx } from '../../db/client.js';
import type { DomainContext } from '../domain-context.js';
import { deviceColumns, hashToken, newOpaqueToken, type DeviceInfo } from './session-tokens.js';

/** What signIn, signUp and refreshSession answer (AuthPayload). */
export interface IssuedSession {
  user: User;
  session: Pick<Session, 'id' | 'familyId' | 'expiresAt'>;
  /** Short-lived (ACCESS_TOKEN_TTL) JWT with `sid`: send it as `Authorization: Bearer`. */
  accessToken: string;
  accessTokenExpiresAt: Date;
  /** Opaque, single use: exchange it with refreshSession for the next pair. Stored only hashed. */
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  /**
   * The deprecated AuthPayload.token: a JWT of the JWT_EXPIRES_IN lifetime bound to this session
   * (it dies with it). Issued only when a client selects the field.
   */
  legacyToken(): Promise<string>;
}

/** The tokens of a Session row just written. */
export async function tokensFor(
  ctx: Pick<DomainContext, 'tokens'>,
  user: User,
  session: Pick<Session, 'id' | 'familyId' | 'expiresAt'>,
  refreshToken: string,
): Promise<IssuedSession> {
  const access = await ctx.tokens.issueAccess(user.id, session.id, session.expiresAt);
  return {
    user,
    session,
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken,
    refreshTokenExpiresAt: session.expiresAt,
    legacyToken: () => ctx.tokens.issueLegacySession(user.id, session.id, session.expiresAt),
  };
}

/**
 * The one way a user gets signed in (signIn, signUp, and any later sign-in method): a new session
 * family for this device, its refresh token (stored as a hash) and an access token bound to it.
 * `db` is the transaction of the caller when it has one.
 */
export async function issueSession(
  ctx: Pick<DomainContext, 'db' | 'now' | 'tokens'>,
  user: User,
  device: DeviceInfo,
  db: DbOrTx = ctx.db,
): Promise<IssuedSession> {
  const now = ctx.now();
  const refreshToken = newOpaqueToken();
  const id = crypto.randomUUID();
  const session = await db.session.create({
    data: {
      id,
      familyId: id,
      userId: user.id,
      tokenHash: hashToken(refreshToken),
      ...deviceColumns(device),
      signedInAt: now,
      lastUsedAt: now,
      expiresAt: new Date(now.getTime() + ctx.tokens.refreshTokenTtlSeconds * 1000),
    },
    select: { id: true, familyId: true, expiresAt: true },
  });
  return tokensFor(ctx, user, session, refreshToken);
}

import { LRUCache } from 'lru-cache';
import type { Viewer } from '../resolvers/domain-context.js';
import type { Db } from '../db/client.js';
import type { TokenClaims, TokenService } from './tokens.js';

/** Resolves the Authorization header of a request to the signed-in viewer. */
export interface ViewerLoader {
  /**
   * The viewer of a bearer token; null for no token, a bad one, a suspended or deleted account,
   * a revoked session, or a session-less token issued before the account's signOutEverywhere.
   */
  load(authorization: string | null | undefined): Promise<Viewer | null>;
  /** Drops what is remembered about a user (their account or sessions just changed in this process). */
  forget(userId: string): void;
}

export interface ViewerCacheOptions {
  /**
   * How long a looked-up account (and session) is reused, in ms; 0 looks it up on every request. A
   * suspension, deletion or session revocation made by another replica (or directly in the
   * database) takes effect within it.
   */
  ttlMs: number;
  /** Accounts remembered at most (least recently used go first). */
  max?: number;
  /** The clock the TTL runs on, in ms (tests move it); default: the monotonic clock. */
  now?: () => number;
}

const BEARER = /^Bearer\s+(\S+)$/i;

/** What one lookup found: the account as a viewer (null: no viewer), and what a token is checked against. */
interface Found {
  viewer: Viewer | null;
  /** Session-less tokens issued at or before this second are refused (User.sessionsRevokedAt). */
  legacyRevokedAtSecond: number | null;
}

/** Cache keys: `<userId>` for session-less tokens, `<userId> <sessionId>` for a session's. */
const keyOf = (claims: Pick<TokenClaims, 'userId' | 'sessionId'>) =>
  claims.sessionId ? `${claims.userId} ${claims.sessionId}` : claims.userId;

/**
 * Token → viewer, with the account lookup (one SQL statement, the session's row joined in for a
 * token with `sid`) cached per user and session for `ttlMs`. Every request would otherwise pay
 * that statement before its own; concurrent requests of one user share a single lookup. The
 * token is checked by the TokenService on every request (its signature once, its expiry every
 * time); a session's expiry needs no check here, because its access tokens never outlive it.
 */
export function createViewerLoader(db: Db, tokens: TokenService, options: ViewerCacheOptions): ViewerLoader {
  const lookup = async (key: string): Promise<Found> => {
    const [userId, sessionId] = key.split(' ') as [string, string | undefined];
    const user = await db.user.findUnique({
      where: { id: userId },
      select: {
        id: true,
        role: true,
        accountStatus: true,
        sessionsRevokedAt: true,
        // One statement: the session row is joined into the account lookup.
        ...(sessionId
          ? { sessions: { where: { id: sessionId, revokedAt: null }, select: { familyId: true }, take: 1 } }
          : {}),
      },
      relationLoadStrategy: 'join',
    });
    if (!user || user.accountStatus !== 'ACTIVE') return { viewer: null, legacyRevokedAtSecond: null };
    const legacyRevokedAtSecond = user.sessionsRevokedAt ? Math.floor(user.sessionsRevokedAt.getTime() / 1000) : null;
    if (!sessionId) return { viewer: { id: user.id, role: user.role }, legacyRevokedAtSecond };
    const session = (user as { sessions?: { familyId: string }[] }).sessions?.[0];
    if (!session) return { viewer: null, legacyRevokedAtSecond };
    return {
      viewer: { id: user.id, role: user.role, sessionId, sessionFamilyId: session.familyId },
      legacyRevokedAtSecond,
    };
  };
  const cache =
    options.ttlMs > 0
      ? new LRUCache<string, Found>({
          max: options.max ?? 10_000,
          ttl: options.ttlMs,
          fetchMethod: (key) => lookup(key),
          // A given clock is read on every check (lru-cache otherwise reuses a reading for 1 ms).
          ...(options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {}),
        })
      : null;

  return {
    async load(authorization) {
      const match = authorization ? BEARER.exec(authorization.trim()) : null;
      if (!match) return null;
      const claims = await tokens.verifyClaims(match[1]!);
      if (!claims) return null;
      const key = keyOf(claims);
      const found = cache ? await cache.fetch(key) : await lookup(key);
      if (!found?.viewer) return null;
      // signOutEverywhere refuses the session-less tokens issued up to that moment.
      if (!claims.sessionId && found.legacyRevokedAtSecond !== null && claims.issuedAt <= found.legacyRevokedAtSecond)
        return null;
      return found.viewer;
    },
    forget(userId) {
      if (!cache) return;
      cache.delete(userId);
      // Every session of the user: a rare call (an account or its sessions changed), a bounded scan.
      const prefix = `${userId} `;
      for (const key of [...cache.keys()]) if (key.startsWith(prefix)) cache.delete(key);
    },
  };
}

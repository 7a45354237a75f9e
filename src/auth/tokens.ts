import { SignJWT, jwtVerify, errors } from 'jose';
import { LRUCache } from 'lru-cache';

/** What a verified token says. */
export interface TokenClaims {
  userId: string;
  /**
   * The Session row it was issued with (`sid`): it works while that session is live. Null for the
   * deprecated session-less tokens (JWT_EXPIRES_IN, 7 days), which work until they expire or
   * signOutEverywhere refuses them (User.sessionsRevokedAt).
   */
  sessionId: string | null;
  /** `iat`, in seconds. */
  issuedAt: number;
}

/**
 * Bearer tokens: HS256 JWTs (jose) carrying the user id as `sub`, with an expiry, and for a
 * session's access token the session id as `sid`.
 */
export interface TokenService {
  /** A session-less token of the JWT_EXPIRES_IN lifetime (deprecated: sign-in issues sessions). */
  issue(userId: string): Promise<string>;
  /**
   * A session's access token: it expires ACCESS_TOKEN_TTL from now, or at `notAfter` (the
   * session's own expiry) if that comes first.
   */
  issueAccess(userId: string, sessionId: string, notAfter: Date): Promise<{ token: string; expiresAt: Date }>;
  /** A session-bound token of the JWT_EXPIRES_IN lifetime (the deprecated AuthPayload.token), capped at `notAfter`. */
  issueLegacySession(userId: string, sessionId: string, notAfter: Date): Promise<string>;
  /** How long a refresh token lives (REFRESH_TOKEN_TTL), in seconds. */
  readonly refreshTokenTtlSeconds: number;
  /** The user id, or null for a missing, malformed, forged or expired token. */
  verify(token: string): Promise<string | null>;
  /** The claims of a valid token, or null for a missing, malformed, forged or expired one. */
  verifyClaims(token: string): Promise<TokenClaims | null>;
}

const ISSUER = 'study-planner-api';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Verified tokens remembered at most; a token is checked cryptographically once, then by expiry. */
const VERIFIED_MAX = 20_000;

export interface TokenOptions {
  secret: string;
  /** Lifetime of session-less tokens (JWT_EXPIRES_IN). */
  expiresIn: string;
  /** Lifetime of access tokens (ACCESS_TOKEN_TTL); default 15m. */
  accessTokenTtl?: string;
  /** Lifetime of refresh tokens (REFRESH_TOKEN_TTL); default 30d. */
  refreshTokenTtl?: string;
  now?: () => Date;
}

export function createTokenService(options: TokenOptions): TokenService {
  const raw = new TextEncoder().encode(options.secret);
  // Imported once: jose would import a raw key into WebCrypto on every verify.
  const key = crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  const now = options.now ?? (() => new Date());
  const legacySeconds = durationSeconds(options.expiresIn);
  const accessSeconds = durationSeconds(options.accessTokenTtl ?? '15m');
  // A token is immutable: once its signature and claims have checked out, only its expiry can
  // change the answer. Clients send the same token on every request; this skips the HMAC then.
  const verified = new LRUCache<string, TokenClaims & { expiresAt: number }>({ max: VERIFIED_MAX });
  const sign = async (userId: string, sessionId: string | null, seconds: number, notAfter?: Date) => {
    const iat = Math.floor(now().getTime() / 1000);
    const cap = notAfter ? Math.floor(notAfter.getTime() / 1000) : Infinity;
    const exp = Math.max(iat + 1, Math.min(iat + seconds, cap));
    const token = await new SignJWT(sessionId ? { sid: sessionId } : {})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .setIssuer(ISSUER)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(await key);
    return { token, expiresAt: new Date(exp * 1000) };
  };
  const verifyClaims = async (token: string): Promise<TokenClaims | null> => {
    const known = verified.get(token);
    if (known) {
      if (now().getTime() < known.expiresAt) return known;
      verified.delete(token);
      return null;
    }
    try {
      const { payload } = await jwtVerify(token, await key, {
        issuer: ISSUER,
        algorithms: ['HS256'],
        currentDate: now(),
      });
      // Account ids are uuids: a signed token naming anything else (an old format, a test key) is no viewer.
      if (typeof payload.sub !== 'string' || !UUID.test(payload.sub) || typeof payload.exp !== 'number') return null;
      const sid = payload.sid;
      if (sid !== undefined && (typeof sid !== 'string' || !UUID.test(sid))) return null;
      const claims = {
        userId: payload.sub,
        sessionId: sid ?? null,
        issuedAt: typeof payload.iat === 'number' ? payload.iat : 0,
        expiresAt: payload.exp * 1000,
      };
      verified.set(token, claims);
      return claims;
    } catch (err) {
      if (err instanceof errors.JOSEError) return null;
      throw err;
    }
  };
  return {
    refreshTokenTtlSeconds: durationSeconds(options.refreshTokenTtl ?? '30d'),
    async issue(userId) {
      return (await sign(userId, null, legacySeconds)).token;
    },
    issueAccess: (userId, sessionId, notAfter) => sign(userId, sessionId, accessSeconds, notAfter),
    async issueLegacySession(userId, sessionId, notAfter) {
      return (await sign(userId, sessionId, legacySeconds, notAfter)).token;
    },
    async verify(token) {
      return (await verifyClaims(token))?.userId ?? null;
    },
    verifyClaims,
  };
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

export function durationSeconds(text: string): number {
  const match = /^(\d+)\s*([smhdw])$/.exec(text.trim());
  if (!match) throw new Error(`not a duration: ${text}`);
  return Number(match[1]) * UNITS[match[2]!]!;
}

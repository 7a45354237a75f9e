import { SignJWT, jwtVerify, errors } from 'jose';
import { LRUCache } from 'lru-cache';

/** Access tokens: HS256 JWTs (jose) carrying the user id as `sub`, with an expiry. */
export interface TokenService {
  issue(userId: string): Promise<string>;
  /** The user id, or null for a missing, malformed, forged or expired token. */
  verify(token: string): Promise<string | null>;
}

const ISSUER = 'study-planner-api';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Verified tokens remembered at most; a token is checked cryptographically once, then by expiry. */
const VERIFIED_MAX = 20_000;

export function createTokenService(options: { secret: string; expiresIn: string; now?: () => Date }): TokenService {
  const raw = new TextEncoder().encode(options.secret);
  // Imported once: jose would import a raw key into WebCrypto on every verify.
  const key = crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  const now = options.now ?? (() => new Date());
  // A token is immutable: once its signature and claims have checked out, only its expiry can
  // change the answer. Clients send the same token on every request; this skips the HMAC then.
  const verified = new LRUCache<string, { userId: string; expiresAt: number }>({ max: VERIFIED_MAX });
  return {
    async issue(userId) {
      const iat = Math.floor(now().getTime() / 1000);
      return new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(userId)
        .setIssuer(ISSUER)
        .setIssuedAt(iat)
        .setExpirationTime(iat + durationSeconds(options.expiresIn))
        .sign(await key);
    },
    async verify(token) {
      const known = verified.get(token);
      if (known) {
        if (now().getTime() < known.expiresAt) return known.userId;
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
        verified.set(token, { userId: payload.sub, expiresAt: payload.exp * 1000 });
        return payload.sub;
      } catch (err) {
        if (err instanceof errors.JOSEError) return null;
        throw err;
      }
    },
  };
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

export function durationSeconds(text: string): number {
  const match = /^(\d+)\s*([smhdw])$/.exec(text.trim());
  if (!match) throw new Error(`not a duration: ${text}`);
  return Number(match[1]) * UNITS[match[2]!]!;
}

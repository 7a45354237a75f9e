import { SignJWT, jwtVerify, errors } from 'jose';

/** Access tokens: HS256 JWTs (jose) carrying the user id as `sub`, with an expiry. */
export interface TokenService {
  issue(userId: string): Promise<string>;
  /** The user id, or null for a missing, malformed, forged or expired token. */
  verify(token: string): Promise<string | null>;
}

const ISSUER = 'study-planner-api';

export function createTokenService(options: { secret: string; expiresIn: string; now?: () => Date }): TokenService {
  const key = new TextEncoder().encode(options.secret);
  const now = options.now ?? (() => new Date());
  return {
    async issue(userId) {
      const iat = Math.floor(now().getTime() / 1000);
      return new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(userId)
        .setIssuer(ISSUER)
        .setIssuedAt(iat)
        .setExpirationTime(iat + durationSeconds(options.expiresIn))
        .sign(key);
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, {
          issuer: ISSUER,
          algorithms: ['HS256'],
          currentDate: now(),
        });
        return typeof payload.sub === 'string' ? payload.sub : null;
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

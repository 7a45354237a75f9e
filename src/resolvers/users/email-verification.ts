import { createHash, randomBytes } from 'node:crypto';
import type { DbOrTx } from '../../db/client.js';

/* Email verification tokens (docs/identity.md): random, mailed once, stored as their SHA-256. */

/** SHA-256 (hex) of a token: what is stored and looked up. */
export function hashVerificationToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * A new token proving `email` for `userId`, valid `ttlSeconds` from `now`: its row (the hash) is
 * written, the token itself is returned once, for the mail.
 */
export async function issueVerificationToken(
  db: DbOrTx,
  input: { userId: string; email: string; now: Date; ttlSeconds: number },
): Promise<string> {
  // 32 random bytes: 256 bits, 43 characters of base64url.
  const token = randomBytes(32).toString('base64url');
  await db.emailVerificationToken.create({
    data: {
      userId: input.userId,
      email: input.email,
      tokenHash: hashVerificationToken(token),
      expiresAt: new Date(input.now.getTime() + input.ttlSeconds * 1000),
    },
  });
  return token;
}

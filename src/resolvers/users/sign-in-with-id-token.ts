import { randomBytes } from 'node:crypto';
import { hashPassword } from '../../auth/passwords.js';
import { ConflictError, ForbiddenError, IdTokenError, ProviderDisabledError } from '../../errors.js';
import { recordEvent } from '../../events/outbox.js';
import type { User } from '../../generated/prisma/client.js';
import { recordAudit } from '../admin/record-audit.js';
import type { DomainContext } from '../domain-context.js';
import { inTransaction, isUniqueViolation, optionalText } from '../shared.js';
import type { IdTokenClaims, IdentityProviderName } from './id-token-verifier.js';
import { NAME_MAX } from './normalize.js';
import { issueSession, type IssuedSession } from '../sessions/issue-session.js';
import type { DeviceInfo } from '../sessions/session-tokens.js';

export interface SignInWithIdTokenInput {
  provider: IdentityProviderName;
  idToken: string;
  /** The raw nonce the client passed to the provider's sign-in. */
  nonce: string;
  /** Names the client got from the provider (Apple hands them to the app on the first sign-in only). */
  firstName?: string | null;
  lastName?: string | null;
  /** The device signing in (its name, user agent and address), shown in `me.sessions`. */
  device?: DeviceInfo;
}

const UNVERIFIED =
  'An account with this email exists, but the email is not verified on both sides: sign in with your password ' +
  '(and verify the email) to use this sign-in.';

/**
 * Signs in with an Apple or Google ID token. A known identity (provider + subject) signs in to its
 * account. A new one is linked to an existing account only when the token's email is verified
 * (email_verified) and is the email of an account whose own email is verified; it creates a new
 * account (emailVerified as the token says, no usable password) when no account has the email;
 * and otherwise answers CONFLICT (reason ACCOUNT_EXISTS), changing nothing. The session is issued as
 * signIn issues it (issueSession).
 */
export async function signInWithIdToken(ctx: DomainContext, input: SignInWithIdTokenInput): Promise<IssuedSession> {
  if (!ctx.idTokens?.enabled(input.provider)) throw new ProviderDisabledError(input.provider);
  const claims = await ctx.idTokens.verify(input.provider, input.idToken, input.nonce);
  const firstName = optionalText(input.firstName, 'firstName', NAME_MAX) ?? claims.firstName?.slice(0, NAME_MAX);
  const lastName = optionalText(input.lastName, 'lastName', NAME_MAX) ?? claims.lastName?.slice(0, NAME_MAX);
  let user: User;
  try {
    user = await findOrCreateAccount(ctx, claims, { firstName, lastName });
  } catch (err) {
    // Two first sign-ins of one identity at once: the unique index took one, the other signs in to it.
    if (!isUniqueViolation(err)) throw err;
    user = await findOrCreateAccount(ctx, claims, { firstName, lastName });
  }
  if (user.accountStatus !== 'ACTIVE') throw new ForbiddenError('This account is suspended.');
  return issueSession(ctx, user, input.device ?? {});
}

async function findOrCreateAccount(
  ctx: DomainContext,
  claims: IdTokenClaims,
  names: { firstName?: string | null; lastName?: string | null },
): Promise<User> {
  const { provider, subject } = claims;
  const known = await ctx.db.userIdentity.findFirst({ where: { provider, subject }, select: { userId: true } });
  if (known) {
    const user = await ctx.db.user.findUnique({ where: { id: known.userId } });
    if (user) {
      ctx.logger.info({ userId: user.id, provider }, 'signed in with an ID token');
      return user;
    }
  }
  if (!claims.email)
    throw new IdTokenError('EMAIL', 'The ID token carries no email address to create an account with.');
  const email = claims.email;
  const existing = await ctx.db.user.findFirst({ where: { email } });
  if (existing) {
    if (!claims.emailVerified || !existing.emailVerifiedAt)
      throw new ConflictError(UNVERIFIED, { reason: 'ACCOUNT_EXISTS' });
    await inTransaction(ctx, async (tx) => {
      await tx.userIdentity.create({ data: { provider, subject, userId: existing.id, email } });
      // A new way into an existing account: operators see when and by which provider it came.
      await recordAudit(tx, {
        actorId: null,
        action: 'user.identity_linked',
        targetType: 'User',
        targetId: existing.id,
        before: null,
        after: { provider, subject },
        at: ctx.now(),
      });
      await recordEvent(tx, {
        type: 'user.updated',
        payload: { userId: existing.id, changed: ['identities'] },
        userId: existing.id,
        aggregateId: existing.id,
      });
    });
    ctx.logger.info({ userId: existing.id, provider }, 'ID token identity linked by verified email');
    return existing;
  }
  // No password anyone knows: a real hash of random bytes (a password reset can set one).
  const passwordHash = await hashPassword(randomBytes(32).toString('base64url'));
  const local = email.slice(0, email.indexOf('@')).slice(0, NAME_MAX);
  const user = await inTransaction(ctx, async (tx) => {
    const created = await tx.user.create({
      data: {
        email,
        passwordHash,
        firstName: names.firstName || local,
        lastName: names.lastName ?? '',
        emailVerifiedAt: claims.emailVerified ? ctx.now() : null,
      },
    });
    await tx.userIdentity.create({ data: { provider, subject, userId: created.id, email } });
    await recordEvent(tx, {
      type: 'user.created',
      payload: { userId: created.id },
      userId: created.id,
      aggregateId: created.id,
    });
    return created;
  });
  ctx.logger.info({ userId: user.id, provider }, 'user signed up with an ID token');
  return user;
}

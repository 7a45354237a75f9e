import { dummyPasswordHash, verifyPassword } from '../../auth/passwords.js';
import type { DomainContext } from '../domain-context.js';
import { ForbiddenError, UnauthenticatedError } from '../../errors.js';
import type { User } from '../../generated/prisma/client.js';
import { normalizeEmail } from './normalize.js';

export interface SignInInput {
  email: string;
  password: string;
}

/** Unknown email and wrong password give the same answer, after the same work. */
const INVALID = 'Invalid email or password.';

export async function signIn(ctx: DomainContext, input: SignInInput): Promise<{ token: string; user: User }> {
  let email: string;
  try {
    email = normalizeEmail(input.email);
  } catch {
    throw new UnauthenticatedError(INVALID);
  }
  const user = await ctx.db.user.findFirst({ where: { email } });
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password);
  if (!user || !ok) throw new UnauthenticatedError(INVALID);
  if (user.accountStatus !== 'ACTIVE') throw new ForbiddenError('This account is suspended.');
  return issueAuthPayload(ctx, user);
}

/**
 * The AuthPayload of a user who just proved who they are: every way of signing in
 * (signIn, signInWithIdToken) issues its session here, and nowhere else.
 */
export async function issueAuthPayload(ctx: DomainContext, user: User): Promise<{ token: string; user: User }> {
  return { token: await ctx.tokens.issue(user.id), user };
}

import { dummyPasswordHash, verifyPassword } from '../../auth/passwords.js';
import type { DomainContext } from '../domain-context.js';
import { ForbiddenError, UnauthenticatedError } from '../../errors.js';
import { issueSession, type IssuedSession } from '../sessions/issue-session.js';
import type { DeviceInfo } from '../sessions/session-tokens.js';
import { normalizeEmail } from './normalize.js';

export interface SignInInput {
  email: string;
  password: string;
  /** The device signing in (its name, user agent and address), shown in `me.sessions`. */
  device?: DeviceInfo;
}

/** Unknown email and wrong password give the same answer, after the same work. */
const INVALID = 'Invalid email or password.';

/** Checks the credentials and starts a session for the device (issueSession). */
export async function signIn(ctx: DomainContext, input: SignInInput): Promise<IssuedSession> {
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
  return issueSession(ctx, user, input.device ?? {});
}

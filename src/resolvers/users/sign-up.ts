import { hashPassword } from '../../auth/passwords.js';
import type { DomainContext } from '../domain-context.js';
import { ConflictError } from '../../errors.js';
import { recordEvent } from '../../events/outbox.js';
import { issueSession, type IssuedSession } from '../sessions/issue-session.js';
import type { DeviceInfo } from '../sessions/session-tokens.js';
import { inTransaction, isUniqueViolation, requiredText } from '../shared.js';
import { NAME_MAX, checkPassword, normalizeEmail } from './normalize.js';

export interface SignUpInput {
  email: string;
  password: string;
  firstName: string;
  lastName: string;
  /** The device signing up, as for signIn. */
  device?: DeviceInfo;
}

const DUPLICATE = 'An account with this email already exists.';

/** Creates an account (tier FREE, role USER, not onboarded) and its `user.created` event, and signs it in (issueSession). */
export async function signUp(ctx: DomainContext, input: SignUpInput): Promise<IssuedSession> {
  const email = normalizeEmail(input.email);
  checkPassword(input.password);
  const firstName = requiredText(input.firstName, 'firstName', NAME_MAX);
  const lastName = requiredText(input.lastName, 'lastName', NAME_MAX);
  const passwordHash = await hashPassword(input.password);

  try {
    const issued = await inTransaction(ctx, async (tx) => {
      if (await tx.user.findFirst({ where: { email }, select: { id: true } })) throw new ConflictError(DUPLICATE);
      const created = await tx.user.create({ data: { email, passwordHash, firstName, lastName } });
      await recordEvent(tx, {
        type: 'user.created',
        payload: { userId: created.id },
        userId: created.id,
        aggregateId: created.id,
      });
      return issueSession(ctx, created, input.device ?? {}, tx);
    });
    ctx.logger.info({ userId: issued.user.id }, 'user signed up');
    return issued;
  } catch (err) {
    // Two sign-ups racing for one email: the partial unique index decides.
    if (isUniqueViolation(err)) throw new ConflictError(DUPLICATE);
    throw err;
  }
}

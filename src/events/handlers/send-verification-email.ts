import type { Config } from '../../config.js';
import { issueVerificationToken } from '../../resolvers/users/email-verification.js';
import { defineHandler, type HandlerContext } from '../handler.js';
import type { MailDeps } from './send-welcome-email.js';

export interface VerificationDeps {
  emailVerification: Config['emailVerification'];
}

/** "24 hours", "30 minutes": how long a link lives, for the mail. */
function lifetime(seconds: number): string {
  const [amount, unit] =
    seconds % 86_400 === 0 && seconds > 86_400
      ? [seconds / 86_400, 'day']
      : seconds % 3600 === 0
        ? [seconds / 3600, 'hour']
        : [Math.max(1, Math.round(seconds / 60)), 'minute'];
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`;
}

/**
 * user.created (an unverified address) and user.emailVerificationRequested → a new verification
 * token and one mail with it, to the address it proves. The handler makes the token, so the
 * outbox never holds one. A request whose address the account no longer waits for (verified
 * meanwhile, or replaced by a newer changeEmail) is skipped. At most once, like every mail.
 */
export const sendVerificationEmail = defineHandler({
  name: 'send-verification-email',
  eventTypes: ['user.created', 'user.emailVerificationRequested'],
  atMostOnce: true,
  async handle(event, { db, mailer, now, emailVerification }: HandlerContext & MailDeps & VerificationDeps) {
    const { userId } = event.payload;
    const user = await db.user.findUnique({
      where: { id: userId },
      select: { email: true, pendingEmail: true, emailVerifiedAt: true, firstName: true },
    });
    if (!user) return 'skipped';
    const email = event.type === 'user.created' ? user.email : event.payload.email;
    const awaited = email === user.pendingEmail || (email === user.email && !user.emailVerifiedAt);
    if (!awaited) return 'skipped';
    const token = await issueVerificationToken(db, {
      userId,
      email,
      now: now(),
      ttlSeconds: emailVerification.ttlSeconds,
    });
    const link = emailVerification.url
      ? `${emailVerification.url}${emailVerification.url.includes('?') ? '&' : '?'}token=${token}\n\n`
      : '';
    await mailer.send({
      to: email,
      subject: 'Confirm your email address',
      text:
        `Hi ${user.firstName},\n\nplease confirm that ${email} is your address for Study Planner.\n\n` +
        link +
        `Verification code: ${token}\n\n` +
        `It works once, within ${lifetime(emailVerification.ttlSeconds)}. ` +
        `If you did not ask for this, ignore this mail.\n\n— Study Planner`,
    });
    return 'done';
  },
});

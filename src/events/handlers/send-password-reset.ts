import { createHash, randomBytes } from 'node:crypto';
import type { Mailer } from '../../mail/mailer.js';
import { defineHandler, type HandlerContext } from '../handler.js';

export interface PasswordResetDeps {
  mailer: Mailer;
  /** The app's page that takes the token (PASSWORD_RESET_URL); the link is `<url>?token=<token>`. */
  passwordResetUrl: string;
}

/** How long a reset link works. */
export const PASSWORD_RESET_TTL_MS = 30 * 60_000;

/**
 * user.password_reset_requested → a single-use link, mailed. The token is made here, after the
 * request answered (so the answer takes the same time whether the account exists), and only its
 * sha256 is stored: neither the outbox nor the table ever holds it in clear. At most once: a
 * crash mid-send loses the mail (the student asks again) rather than sending two links.
 */
export const sendPasswordReset = defineHandler({
  name: 'send-password-reset',
  eventTypes: ['user.password_reset_requested'],
  atMostOnce: true,
  async handle(event, { db, mailer, now, passwordResetUrl }: HandlerContext & PasswordResetDeps) {
    const { userId, requestedIp } = event.payload;
    const user = await db.user.findUnique({ where: { id: userId }, select: { email: true, firstName: true } });
    if (!user) return 'skipped';
    const token = randomBytes(32).toString('base64url');
    await db.passwordResetToken.create({
      data: {
        userId,
        tokenHash: createHash('sha256').update(token, 'utf8').digest('hex'),
        expiresAt: new Date(now().getTime() + PASSWORD_RESET_TTL_MS),
        requestedIp,
      },
      select: { id: true },
    });
    const link = new URL(passwordResetUrl);
    link.searchParams.set('token', token);
    await mailer.send({
      to: user.email,
      subject: 'Reset your Study Planner password',
      text:
        `Hi ${user.firstName},\n\nsomeone (hopefully you) asked to reset your password. Open this link within 30 minutes ` +
        `to choose a new one:\n\n${link.toString()}\n\nThe link works once. If you did not ask, ignore this mail: ` +
        `your password stays as it is.\n\n— Study Planner`,
    });
    return 'done';
  },
});

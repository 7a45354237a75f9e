import { defineHandler, type HandlerContext } from '../handler.js';
import type { MailDeps } from './send-welcome-email.js';

/** user.password_changed → a notice to the account's address, so a change the owner did not make is noticed. */
export const sendPasswordChangedNotice = defineHandler({
  name: 'send-password-changed-notice',
  eventTypes: ['user.password_changed'],
  atMostOnce: true,
  async handle(event, { db, mailer }: HandlerContext & MailDeps) {
    const { userId, via } = event.payload;
    const user = await db.user.findUnique({ where: { id: userId }, select: { email: true, firstName: true } });
    if (!user) return 'skipped';
    const how = via === 'reset' ? 'reset with a link sent to this address' : 'changed in the app';
    await mailer.send({
      to: user.email,
      subject: 'Your Study Planner password was changed',
      text:
        `Hi ${user.firstName},\n\nyour password was just ${how}, and your other devices were signed out.\n\n` +
        `If this was not you, reset your password now and contact support.\n\n— Study Planner`,
    });
    return 'done';
  },
});

import type { Mailer } from '../../mail/mailer.js';
import { defineHandler, type HandlerContext } from '../handler.js';

export interface MailDeps {
  mailer: Mailer;
}

/**
 * user.created → one welcome email (the delivery record keeps it to one per user). A sent mail
 * cannot be taken back: at most once (a crash mid-send loses it rather than sending it twice).
 */
export const sendWelcomeEmail = defineHandler({
  name: 'send-welcome-email',
  eventTypes: ['user.created'],
  atMostOnce: true,
  async handle(event, { db, mailer }: HandlerContext & MailDeps) {
    const { userId } = event.payload;
    const user = await db.user.findUnique({ where: { id: userId }, select: { email: true, firstName: true } });
    if (!user) return 'skipped';
    await mailer.send({
      to: user.email,
      subject: 'Welcome to Study Planner',
      text: `Hi ${user.firstName},\n\nyour account is ready. Add your first course to start planning.\n\n— Study Planner`,
    });
    return 'done';
  },
});

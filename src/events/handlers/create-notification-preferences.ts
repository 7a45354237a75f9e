import { defineHandler } from '../handler.js';

/** user.created → the user's notification preferences, with the defaults. Idempotent (upsert). */
export const createNotificationPreferences = defineHandler({
  name: 'create-notification-preferences',
  eventTypes: ['user.created'],
  async handle(event, { db }) {
    const { userId } = event.payload;
    const user = await db.user.findUnique({ where: { id: userId }, select: { id: true } });
    if (!user) return 'skipped';
    await db.notificationPreference.upsert({ where: { userId }, create: { userId }, update: {} });
    return 'done';
  },
});

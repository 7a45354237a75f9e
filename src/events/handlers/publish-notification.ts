import { defineHandler, type HandlerContext } from '../handler.js';
import type { PublishDeps } from './publish-task-update.js';

/**
 * notification.created → the owner's `notifications` subscription. At least once (a retried
 * delivery publishes again): the message carries the event id for de-duplication.
 */
export const publishNotification = defineHandler({
  name: 'publish-notification',
  eventTypes: ['notification.created'],
  async handle(event, { live }: HandlerContext & PublishDeps) {
    const { userId, notificationId } = event.payload;
    live.publish('notifications', userId, {
      eventId: event.id,
      notificationId,
      userId,
      occurredAt: event.occurredAt.toISOString(),
    });
    return 'done';
  },
});

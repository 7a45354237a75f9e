import type { LiveUpdates } from '../live.js';
import { defineHandler, type HandlerContext } from '../handler.js';
import { TASK_EVENT_TYPES } from '../types.js';

export interface PublishDeps {
  live: LiveUpdates;
}

/**
 * Task events → the owner's `taskUpdates` subscription. Delivery to subscribers is at least once
 * (a retried delivery publishes again): each message carries the event id for de-duplication.
 */
export const publishTaskUpdate = defineHandler({
  name: 'publish-task-update',
  eventTypes: TASK_EVENT_TYPES,
  async handle(event, { live }: HandlerContext & PublishDeps) {
    const { payload } = event;
    live.publish('taskUpdates', payload.userId, {
      eventId: event.id,
      type: event.type,
      kind: payload.kind,
      taskId: payload.taskId,
      courseId: payload.courseId,
      userId: payload.userId,
      occurredAt: event.occurredAt.toISOString(),
    });
    return 'done';
  },
});

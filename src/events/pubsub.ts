import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub } from 'graphql-yoga';
import { Redis } from 'ioredis';
import type { TaskKind } from './types.js';

/** What subscribers of `taskUpdates` receive: ids and the change; the task is loaded per subscriber. */
export interface TaskUpdateMessage {
  eventId: string;
  /** The event type, e.g. "assignment.completed". */
  type: string;
  kind: TaskKind;
  taskId: string;
  courseId: string;
  userId: string;
  occurredAt: string;
}

export type TaskPubSub = ReturnType<typeof createTaskPubSub>['pubsub'];

/**
 * The channel from event handlers to subscribers, one topic per user. In memory by default; with
 * a Redis URL, published on one replica and delivered on every replica (Yoga's Redis event
 * target over ioredis pub/sub).
 */
export function createTaskPubSub(redisUrl: string | null) {
  if (!redisUrl) {
    return {
      pubsub: createPubSub<{ taskUpdates: [userId: string, message: TaskUpdateMessage] }>(),
      close: async () => {},
    };
  }
  const publishClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const subscribeClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const eventTarget = createRedisEventTarget({ publishClient, subscribeClient });
  return {
    pubsub: createPubSub<{ taskUpdates: [userId: string, message: TaskUpdateMessage] }>({ eventTarget }),
    async close() {
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}

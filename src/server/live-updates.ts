import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, type PubSub } from 'graphql-yoga';
import { Redis } from 'ioredis';
import type { LiveTopics, LiveUpdates } from '../events/live.js';

type YogaTopics = { [T in keyof LiveTopics]: [userId: string, message: LiveTopics[T]] };

/**
 * The live-updates transport: Yoga's pub/sub, one topic per user. In memory by default; with a
 * Redis URL, published on one replica and delivered on every replica (Yoga's Redis event target
 * over ioredis pub/sub).
 */
export function createLiveUpdates(redisUrl: string | null): { live: LiveUpdates; close(): Promise<void> } {
  if (!redisUrl) return { live: adapt(createPubSub<YogaTopics>()), close: async () => {} };
  const publishClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const subscribeClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const eventTarget = createRedisEventTarget({ publishClient, subscribeClient });
  return {
    live: adapt(createPubSub<YogaTopics>({ eventTarget })),
    async close() {
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}

/**
 * Yoga's pub/sub seen through the events layer's interface. Every topic is routed by user id, which
 * Yoga's conditional tuple types cannot express for a generic topic, hence the one widening here.
 */
function adapt(pubsub: PubSub<YogaTopics>): LiveUpdates {
  const untyped = pubsub as unknown as {
    publish(topic: string, userId: string, message: unknown): void;
    subscribe(topic: string, userId: string): AsyncIterable<unknown>;
  };
  return {
    publish: (topic, userId, message) => untyped.publish(topic, userId, message),
    subscribe: <T extends keyof LiveTopics>(topic: T, userId: string) =>
      untyped.subscribe(topic, userId) as AsyncIterable<LiveTopics[T]>,
  };
}

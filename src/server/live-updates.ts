import { createPubSub, type PubSub } from 'graphql-yoga';
import type { LiveTopics, LiveUpdates } from '../events/live.js';
import type { Logger } from '../observability/logger.js';
import type { RedisConnections } from './redis.js';

type YogaTopics = { [T in keyof LiveTopics]: [userId: string, message: LiveTopics[T]] };

/** The Redis channel every replica publishes to and listens on. */
export const LIVE_CHANNEL = 'study-planner:live-updates';

interface Envelope {
  topic: keyof LiveTopics;
  userId: string;
  message: LiveTopics[keyof LiveTopics];
}

/**
 * The live-updates transport: Yoga's in-memory pub/sub, one topic per user, on each replica.
 * With Redis, a publication goes to one Redis channel and every replica (this one included)
 * hands what it hears to its local subscribers. While Redis is away a publication is handed to
 * this replica's subscribers directly: subscribers on other replicas miss it (they can refetch);
 * nothing throws, and Redis is used again as soon as both connections are back.
 */
export function createLiveUpdates(redis: RedisConnections | null, logger?: Logger): LiveUpdates {
  const local = adapt(createPubSub<YogaTopics>());
  if (!redis) return local;
  const log = logger?.child({ component: 'live-updates' });
  const { command, subscriber } = redis;
  // Subscribed on every (re)connection; ioredis' own re-subscription is off (see connectRedis).
  subscriber.on('ready', () => {
    subscriber.subscribe(LIVE_CHANNEL).catch((err: unknown) => log?.warn({ err }, 'redis subscribe failed'));
  });
  subscriber.on('message', (channel: string, text: string) => {
    if (channel !== LIVE_CHANNEL) return;
    try {
      const { topic, userId, message } = JSON.parse(text) as Envelope;
      local.publish(topic, userId, message);
    } catch (err) {
      log?.warn({ err }, 'ignored a malformed live update from redis');
    }
  });
  return {
    publish(topic, userId, message) {
      if (!redis.healthy()) {
        local.publish(topic, userId, message);
        return;
      }
      const envelope: Envelope = { topic, userId, message };
      command.publish(LIVE_CHANNEL, JSON.stringify(envelope)).catch((err: unknown) => {
        log?.warn({ err }, 'redis publish failed: delivered on this replica only');
        local.publish(topic, userId, message);
      });
    },
    subscribe: local.subscribe,
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

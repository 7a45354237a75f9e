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

/** Sent by a replica whose Redis came back: every replica's resumable streams re-read the log. */
interface Resync {
  resync: true;
}

/**
 * The live-updates transport: Yoga's in-memory pub/sub, one topic per user, on each replica.
 * With Redis, a publication goes to one Redis channel and every replica (this one included)
 * hands what it hears to its local subscribers. While Redis is away a publication is handed to
 * this replica's subscribers directly: subscribers on other replicas miss it (they can refetch);
 * nothing throws, and Redis is used again as soon as both connections are back. Then `onReconnect`
 * listeners run on every replica (this one's subscriber reconnected, or another replica announced
 * that its own Redis is back), so resumable streams (docs/sync.md) catch up from the change log.
 */
export function createLiveUpdates(redis: RedisConnections | null, logger?: Logger): LiveUpdates {
  const local = adapt(createPubSub<YogaTopics>());
  if (!redis) return local;
  const log = logger?.child({ component: 'live-updates' });
  const { command, subscriber } = redis;
  const reconnected = new Set<() => void>();
  const resync = () => {
    for (const listener of reconnected) listener();
  };
  let subscribedOnce = false;
  // Subscribed on every (re)connection; ioredis' own re-subscription is off (see connectRedis).
  subscriber.on('ready', () => {
    subscriber
      .subscribe(LIVE_CHANNEL)
      .then(() => {
        if (subscribedOnce) resync();
        subscribedOnce = true;
      })
      .catch((err: unknown) => log?.warn({ err }, 'redis subscribe failed'));
  });
  let commandOnce = false;
  command.on('ready', () => {
    // Back after an outage: what this replica published meanwhile reached its own subscribers only.
    if (commandOnce) {
      const announce: Resync = { resync: true };
      command.publish(LIVE_CHANNEL, JSON.stringify(announce)).catch(() => undefined);
    }
    commandOnce = true;
  });
  subscriber.on('message', (channel: string, text: string) => {
    if (channel !== LIVE_CHANNEL) return;
    try {
      const parsed = JSON.parse(text) as Envelope | Resync;
      if ('resync' in parsed) {
        resync();
        return;
      }
      const { topic, userId, message } = parsed;
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
    onReconnect(listener) {
      reconnected.add(listener);
      return () => reconnected.delete(listener);
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

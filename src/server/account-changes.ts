import type { ViewerLoader } from '../auth/viewer-cache.js';
import type { Logger } from '../observability/logger.js';
import type { RedisConnections } from './redis.js';

/** The Redis channel on which a replica says "this account or its sessions changed". */
export const ACCOUNT_CHANNEL = 'study-planner:account-changes';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The viewer loader, with `forget` heard by every replica sharing Redis: a sign-out, a revoked
 * session, a password reset or a suspension on one replica drops the account from every
 * replica's cache at once, so its requests are refused and its WebSocket and SSE streams end at
 * their next recheck everywhere, not only once VIEWER_CACHE_TTL_MS has passed. Without Redis, or
 * while it is away, the other replicas still notice within that TTL.
 */
export function forgetAcrossReplicas(
  viewers: ViewerLoader,
  redis: RedisConnections | null,
  logger?: Logger,
): ViewerLoader {
  if (!redis) return viewers;
  const { command, subscriber } = redis;
  const log = logger?.child({ component: 'account-changes' });
  const subscribe = () =>
    subscriber.subscribe(ACCOUNT_CHANNEL).catch((err: unknown) => log?.warn({ err }, 'redis subscribe failed'));
  // Subscribed on every (re)connection (ioredis' own re-subscription is off, see connectRedis).
  subscriber.on('ready', subscribe);
  if (subscriber.status === 'ready') void subscribe();
  subscriber.on('message', (channel: string, userId: string) => {
    if (channel === ACCOUNT_CHANNEL && UUID.test(userId)) viewers.forget(userId);
  });
  return {
    load: (authorization) => viewers.load(authorization),
    forget(userId) {
      viewers.forget(userId);
      command.publish(ACCOUNT_CHANNEL, userId).catch(() => undefined);
    },
  };
}

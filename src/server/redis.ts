import { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';

/**
 * The process's Redis connections: one for commands (publish, rate limits), one in subscriber
 * mode. Redis is optional at run time: commands fail at once while it is away (no offline
 * queue, so nothing waits or piles up), callers fall back (local fan-out, in-memory rate
 * limits), and both connections keep reconnecting with a capped backoff.
 */
export interface RedisConnections {
  command: Redis;
  subscriber: Redis;
  /** Both connections are up. */
  healthy(): boolean;
  close(): Promise<void>;
}

/** Longest pause between two reconnection attempts. */
const MAX_RECONNECT_DELAY_MS = 2_000;
/** A lost connection is logged once per this period, not on every failed attempt. */
const LOG_EVERY_MS = 10_000;

export function connectRedis(url: string, logger: Logger): RedisConnections {
  const options = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    autoResubscribe: false,
    retryStrategy: (times: number) => Math.min(times * 100, MAX_RECONNECT_DELAY_MS),
  };
  const command = new Redis(url, { ...options, connectionName: 'study-planner-api' });
  const subscriber = new Redis(url, { ...options, connectionName: 'study-planner-api:sub' });
  const log = logger.child({ component: 'redis' });
  let lastLogged = 0;
  for (const [role, client] of [
    ['command', command],
    ['subscriber', subscriber],
  ] as const) {
    // Without a listener ioredis reports every failed reconnection as an unhandled 'error'.
    client.on('error', (err: Error) => {
      const at = Date.now();
      if (at - lastLogged < LOG_EVERY_MS) return;
      lastLogged = at;
      log.warn(
        { err: err.message, role },
        'redis unavailable: live updates stay on this replica, rate limits in memory',
      );
    });
    client.on('ready', () => log.info({ role }, 'redis connected'));
  }
  return {
    command,
    subscriber,
    healthy: () => command.status === 'ready' && subscriber.status === 'ready',
    async close() {
      await Promise.allSettled([command.quit(), subscriber.quit()]);
      command.disconnect();
      subscriber.disconnect();
    },
  };
}

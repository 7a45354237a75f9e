import { randomUUID } from 'node:crypto';
import type { Logger } from '../observability/logger.js';
import type { RedisConnections } from './redis.js';

/**
 * Open WebSocket connections per account, held to WS_MAX_CONNECTIONS_PER_USER. With Redis every
 * replica counts together: each connection is a member of its account's sorted set in Redis,
 * scored with the end of its lease, and each replica renews the leases of its open connections
 * every third of WS_LEASE_MS, so the places of a replica that died without closing its sockets
 * (kill -9) free themselves within WS_LEASE_MS. Without Redis, or while it is away, each replica
 * counts its own connections (as the rate limits fall back to memory).
 */
export interface ConnectionCounter {
  /**
   * Takes a place for one more connection of `userId`: null when the account has none left,
   * else the function to call once that connection is closed.
   */
  acquire(userId: string): Promise<(() => void) | null>;
  /** Stops renewing leases (the server is closing). */
  close(): void;
}

/** How long a place in Redis outlives the last renewal of the replica that holds it. */
export const WS_LEASE_MS = 30_000;

const key = (userId: string) => `ws-conn:${userId}`;

// Drops expired places, then adds this one unless the account has `max` already. Atomic in Redis.
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

export function createConnectionCounter(options: {
  max: number;
  redis: RedisConnections | null;
  logger: Logger;
  leaseMs?: number;
}): ConnectionCounter {
  const { max, redis, logger } = options;
  const leaseMs = options.leaseMs ?? WS_LEASE_MS;
  const local = new Map<string, number>();
  /** This replica's places in Redis: member → account. */
  const held = new Map<string, string>();

  const acquireLocal = (userId: string) => {
    const open = local.get(userId) ?? 0;
    if (open >= max) return null;
    local.set(userId, open + 1);
    return () => {
      const left = (local.get(userId) ?? 1) - 1;
      if (left > 0) local.set(userId, left);
      else local.delete(userId);
    };
  };

  const acquireShared = async (client: RedisConnections['command'], userId: string) => {
    const member = randomUUID();
    const now = Date.now();
    const taken = await client.eval(ACQUIRE, 1, key(userId), now, now + leaseMs, member, max, leaseMs);
    if (taken !== 1) return null;
    held.set(member, userId);
    return () => {
      held.delete(member);
      // Not removed (Redis away): the place frees itself when its lease ends.
      client.zrem(key(userId), member).catch(() => {});
    };
  };

  const renew = setInterval(() => {
    if (held.size === 0 || !redis?.healthy()) return;
    const until = Date.now() + leaseMs;
    const batch = redis.command.pipeline();
    for (const [member, userId] of held) {
      batch.zadd(key(userId), 'XX', until, member);
      batch.pexpire(key(userId), leaseMs);
    }
    batch.exec().catch((err: unknown) => logger.warn({ err }, 'websocket connection leases not renewed'));
  }, leaseMs / 3);
  renew.unref();

  return {
    async acquire(userId) {
      if (!redis?.healthy()) return acquireLocal(userId);
      try {
        return await acquireShared(redis.command, userId);
      } catch (err) {
        logger.warn({ err }, 'websocket connections counted on this replica: redis failed');
        return acquireLocal(userId);
      }
    },
    close() {
      clearInterval(renew);
    },
  };
}

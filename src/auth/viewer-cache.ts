import { LRUCache } from 'lru-cache';
import type { Viewer } from '../resolvers/domain-context.js';
import type { Db } from '../db/client.js';
import type { TokenService } from './tokens.js';

/** Resolves the Authorization header of a request to the signed-in viewer. */
export interface ViewerLoader {
  /** The viewer of a bearer token; null for no token, a bad one, or a suspended or deleted account. */
  load(authorization: string | null | undefined): Promise<Viewer | null>;
  /** Drops what is remembered about a user (their account just changed in this process). */
  forget(userId: string): void;
}

export interface ViewerCacheOptions {
  /**
   * How long a looked-up account is reused, in ms; 0 looks it up on every request. A suspension
   * or deletion made by another replica (or directly in the database) takes effect within it.
   */
  ttlMs: number;
  /** Accounts remembered at most (least recently used go first). */
  max?: number;
  /** The clock the TTL runs on, in ms (tests move it); default: the monotonic clock. */
  now?: () => number;
}

const BEARER = /^Bearer\s+(\S+)$/i;

/**
 * Token → viewer, with the account lookup (one SQL statement) cached per user for `ttlMs`.
 * Every request would otherwise pay that statement before its own; concurrent requests of one
 * user share a single lookup. The token is checked by the TokenService on every request (its
 * signature once, its expiry every time).
 */
export function createViewerLoader(db: Db, tokens: TokenService, options: ViewerCacheOptions): ViewerLoader {
  const lookup = async (userId: string): Promise<Viewer | null> => {
    const user = await db.user.findUnique({
      where: { id: userId },
      select: { id: true, role: true, accountStatus: true },
    });
    if (!user || user.accountStatus !== 'ACTIVE') return null;
    return { id: user.id, role: user.role };
  };
  // lru-cache stores no null: wrap the answer.
  const cache =
    options.ttlMs > 0
      ? new LRUCache<string, { viewer: Viewer | null }>({
          max: options.max ?? 10_000,
          ttl: options.ttlMs,
          fetchMethod: async (userId) => ({ viewer: await lookup(userId) }),
          // A given clock is read on every check (lru-cache otherwise reuses a reading for 1 ms).
          ...(options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {}),
        })
      : null;

  return {
    async load(authorization) {
      const match = authorization ? BEARER.exec(authorization.trim()) : null;
      if (!match) return null;
      const userId = await tokens.verify(match[1]!);
      if (!userId) return null;
      if (!cache) return lookup(userId);
      const entry = await cache.fetch(userId);
      return entry?.viewer ?? null;
    },
    forget(userId) {
      cache?.delete(userId);
    },
  };
}

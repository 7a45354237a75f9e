import { createHash } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';
import { softDelete } from './soft-delete.js';

export interface DbOptions {
  url: string;
  /** Connections in the pool. The embedded database must use exactly one. */
  poolSize: number;
  /**
   * Prepare each distinct statement once per connection and reuse it (PostgreSQL then skips
   * parsing and, after a few runs, planning). Not on the embedded database: it runs every
   * connection on one session, where two connections would prepare the same name.
   */
  preparedStatements?: boolean;
  /** Called with each SQL statement and its JSON-encoded parameters (tests count and EXPLAIN them). */
  onQuery?: (sql: string, params: string) => void;
  /**
   * Have Prisma report each statement, for `onDbQuery` listeners (metrics, spans). Default true;
   * off when nothing listens (production without metrics or tracing): Prisma then skips the work.
   */
  queryEvents?: boolean;
}

/** One executed statement, as Prisma reports it after it ran. */
export interface QueryEvent {
  sql: string;
  params: string;
  durationMs: number;
  startedAt: Date;
}

export type QueryListener = (event: QueryEvent) => void;

interface Instruments {
  pool: pg.Pool;
  listeners: Set<QueryListener>;
}

const instruments = new WeakMap<object, Instruments>();

export function createPrisma(options: DbOptions) {
  // Our pool, not the adapter's: its counts are metrics (dbPoolStats).
  const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize });
  const adapter = new PrismaPg(pool, {
    // Ours, but the adapter ends it on $disconnect as it would its own.
    disposeExternalPool: true,
    // Prisma sends values as parameters, so the statements are a small fixed set of shapes; the
    // name is a digest of the text, so the same statement gets the same name on every connection.
    ...(options.preparedStatements ? { statementNameGenerator: (query) => statementName(query.sql) } : {}),
  });
  const queryEvents = options.queryEvents !== false || !!options.onQuery;
  const base = new PrismaClient({ adapter, log: queryEvents ? [{ emit: 'event', level: 'query' }] : [] });
  const listeners = new Set<QueryListener>();
  const { onQuery } = options;
  if (onQuery) listeners.add((e) => onQuery(e.sql, e.params));
  if (queryEvents) {
    base.$on('query' as never, (e: { query: string; params: string; duration: number; timestamp: Date }) => {
      if (listeners.size === 0) return;
      const event = { sql: e.query, params: e.params, durationMs: e.duration, startedAt: e.timestamp };
      for (const listener of listeners) listener(event);
    });
  }
  const db = base.$extends(softDelete);
  instruments.set(db, { pool, listeners });
  return db;
}

/** Calls `listener` after each statement `db` runs (metrics, spans); returns the unsubscribe. */
export function onDbQuery(db: Db, listener: QueryListener): () => void {
  const listeners = instruments.get(db)?.listeners;
  listeners?.add(listener);
  return () => listeners?.delete(listener);
}

/** The connection pool right now: connections open, idle, and requests waiting for one. */
export function dbPoolStats(db: Db): { total: number; idle: number; waiting: number } | null {
  const pool = instruments.get(db)?.pool;
  return pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : null;
}

function statementName(sql: string): string {
  return `s_${createHash('sha1').update(sql).digest('base64url')}`;
}

/** The application's database client: every read and delete goes through soft delete. */
export type Db = ReturnType<typeof createPrisma>;
/** The client inside `db.$transaction(async (tx) => …)`. */
export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];
/** Either: domain code that can run inside or outside a transaction takes this. */
export type DbOrTx = Db | Tx;

import { createHash } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlQuery, SqlQueryable } from '@prisma/driver-adapter-utils';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { DEFAULT_DB_TIMEOUTS, type DbTimeouts } from './timeouts.js';
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
  /** Timeouts (docs/hardening.md); left out: DEFAULT_DB_TIMEOUTS. */
  timeouts?: DbTimeouts;
  /**
   * Called with each SQL statement and its JSON-encoded parameters (tests count and EXPLAIN them),
   * from Prisma's query events, which cost a serialization per statement: tests only.
   */
  onQuery?: (sql: string, params: string) => void;
}

/** One executed statement, timed around the driver adapter's call, reported after it ran. */
export interface QueryEvent {
  sql: string;
  durationMs: number;
  startedAt: Date;
}

export type QueryListener = (event: QueryEvent) => void;

interface Instruments {
  pool: pg.Pool;
  listeners: Set<QueryListener>;
  preparedStatements: boolean;
  onQuery?: (sql: string, params: string) => void;
}

const instruments = new WeakMap<object, Instruments>();

export function createPrisma(options: DbOptions) {
  const t = options.timeouts ?? DEFAULT_DB_TIMEOUTS;
  // Our pool, not the adapter's: its counts are metrics (dbPoolStats).
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    connectionTimeoutMillis: t.connectTimeoutMs,
    ...(t.statementTimeoutMs > 0
      ? {
          statement_timeout: t.statementTimeoutMs,
          query_timeout: t.statementTimeoutMs + 1_000,
          idle_in_transaction_session_timeout: t.transactionTimeoutMs + 1_000,
        }
      : {}),
    keepAlive: true,
  });
  // An idle connection that breaks (database restarted, network cut) is dropped by the pool; the
  // next query reports the outage. Without a listener the 'error' event would end the process.
  pool.on('error', () => {});
  const adapter = new PrismaPg(pool, {
    // Ours, but the adapter ends it on $disconnect as it would its own.
    disposeExternalPool: true,
    // Prisma sends values as parameters, so the statements are a small fixed set of shapes; the
    // name is a digest of the text, so the same statement gets the same name on every connection.
    ...(options.preparedStatements ? { statementNameGenerator: (query) => statementName(query.sql) } : {}),
  });
  const listeners = new Set<QueryListener>();
  // Every statement goes through the adapter: time it there (a clock read when nothing listens).
  const connect = adapter.connect.bind(adapter);
  adapter.connect = async () => timed(await connect(), listeners);
  const { onQuery } = options;
  const base = new PrismaClient({
    adapter,
    log: onQuery ? [{ emit: 'event', level: 'query' }] : [],
    transactionOptions: { maxWait: t.transactionWaitMs, timeout: t.transactionTimeoutMs },
  });
  if (onQuery) {
    base.$on('query' as never, (e: { query: string; params: string }) => onQuery(e.query, e.params));
  }
  const db = base.$extends(softDelete);
  instruments.set(db, { pool, listeners, preparedStatements: options.preparedStatements ?? false, onQuery });
  return db;
}

/** Calls `listener` after each statement `db` runs (metrics, spans); returns the unsubscribe. */
export function onDbQuery(db: Db, listener: QueryListener): () => void {
  const listeners = instruments.get(db)?.listeners;
  listeners?.add(listener);
  return () => listeners?.delete(listener);
}

/** A read statement with a fixed text, named once (by its planner) for PostgreSQL to prepare per connection. */
export interface NamedStatement {
  name: string;
  text: string;
}

/**
 * Runs one read statement on the client's pool, without the Prisma client: the planned path
 * (src/planner), whose statements are whole answers and gain nothing from Prisma's result mapping.
 * Reported like every other statement (metrics, spans, the tests' `onQuery`); prepared once per
 * connection under its name unless prepared statements are off (the embedded database).
 */
export async function queryRows<R extends Record<string, unknown>>(
  db: Db,
  statement: NamedStatement,
  values: unknown[],
): Promise<R[]> {
  const found = instruments.get(db);
  if (!found) throw new Error('queryRows: not a client made by createPrisma');
  const { pool, listeners, preparedStatements, onQuery } = found;
  const query = preparedStatements
    ? { name: statement.name, text: statement.text, values }
    : { text: statement.text, values };
  try {
    return await reported(listeners, statement.text, async () => (await pool.query<R>(query)).rows);
  } finally {
    // Prisma's query events tell `onQuery` of its own statements; this one bypasses Prisma.
    onQuery?.(statement.text, JSON.stringify(values));
  }
}

/** Runs `run` (one statement, `sql`), then tells `listeners` how long it took, also when it failed. */
async function reported<T>(listeners: Set<QueryListener>, sql: string, run: () => Promise<T>): Promise<T> {
  if (listeners.size === 0) return run();
  const startedAt = new Date();
  const t0 = performance.now();
  try {
    return await run();
  } finally {
    const event = { sql, durationMs: performance.now() - t0, startedAt };
    for (const listener of listeners) listener(event);
  }
}

/** The connection pool right now: connections open, idle, and requests waiting for one. */
export function dbPoolStats(db: Db): { total: number; idle: number; waiting: number } | null {
  const pool = instruments.get(db)?.pool;
  return pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : null;
}

/** Wraps the adapter's (and its transactions') queryRaw/executeRaw to report each statement to `listeners`. */
function timed<Q extends SqlQueryable>(queryable: Q, listeners: Set<QueryListener>): Q {
  for (const method of ['queryRaw', 'executeRaw'] as const) {
    const run = queryable[method].bind(queryable) as (query: SqlQuery) => Promise<unknown>;
    (queryable as SqlQueryable)[method] = ((query: SqlQuery) =>
      reported(listeners, query.sql, () => run(query))) as never;
  }
  if ('startTransaction' in queryable) {
    const adapter = queryable as unknown as SqlDriverAdapter;
    const start = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => timed(await start(isolationLevel), listeners);
  }
  return queryable;
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

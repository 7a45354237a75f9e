import { createHash } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import { defaultHardening } from '../config.js';
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
  /** Timeouts (docs/hardening.md); left out: the defaults of src/config.ts. */
  timeouts?: DbTimeouts;
  /** Called with each SQL statement and its JSON-encoded parameters (tests count and EXPLAIN them). */
  onQuery?: (sql: string, params: string) => void;
}

export interface DbTimeouts {
  /** Opening a connection. */
  connectTimeoutMs: number;
  /** One statement (PostgreSQL's statement_timeout; the client gives up 1 s later if the server is silent). */
  statementTimeoutMs: number;
  /** Waiting for a connection to start a transaction on. */
  transactionWaitMs: number;
  /** A whole interactive transaction. */
  transactionTimeoutMs: number;
}

export function createPrisma(options: DbOptions) {
  const t = options.timeouts ?? defaultHardening.database;
  const adapter = new PrismaPg(
    {
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
    },
    // Prisma sends values as parameters, so the statements are a small fixed set of shapes; the
    // name is a digest of the text, so the same statement gets the same name on every connection.
    options.preparedStatements ? { statementNameGenerator: (query) => statementName(query.sql) } : {},
  );
  const base = new PrismaClient({
    adapter,
    log: options.onQuery ? [{ emit: 'event', level: 'query' }] : [],
    transactionOptions: { maxWait: t.transactionWaitMs, timeout: t.transactionTimeoutMs },
  });
  if (options.onQuery) {
    const onQuery = options.onQuery;
    base.$on('query' as never, (e: { query: string; params: string }) => onQuery(e.query, e.params));
  }
  return base.$extends(softDelete);
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

/** The database timeouts (docs/hardening.md), set by DATABASE_*_MS (src/config.ts). */
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

/** The defaults of the DATABASE_*_MS settings. */
export const DEFAULT_DB_TIMEOUTS: DbTimeouts = {
  connectTimeoutMs: 5_000,
  statementTimeoutMs: 10_000,
  transactionWaitMs: 2_000,
  transactionTimeoutMs: 5_000,
};

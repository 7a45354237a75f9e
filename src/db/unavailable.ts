/**
 * Whether an error means the database is away or too slow right now (worth retrying shortly),
 * as opposed to a bug or a bad statement. Seen through the pg driver, the Prisma adapter and
 * Prisma's transaction API.
 */

/** SQLSTATEs of a database that is away or busy: statement timeout/cancel, shutdown, too many connections, connection exceptions. */
const UNAVAILABLE_SQLSTATE = /^(57014|57P0[1-3]|53300|53400|08...|40001|40P01|55P03)$/;
/** Prisma: can't reach the server, timed out, pool timeout, transaction could not start or timed out. */
const UNAVAILABLE_PRISMA = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2034']);
/** Prisma's driver-adapter error kinds for a lost or refused connection. */
const UNAVAILABLE_KIND = new Set(['ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'DatabaseNotReachable']);
/** The pg driver's and Node's own messages for lost, refused or silent connections. */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|Client has encountered a connection error|Connection closed|Server has closed the connection|socket hang up|the database system is (starting up|shutting down)/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if (typeof e !== 'object') return false;
    const o = e as { code?: unknown; message?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
    if (typeof o.code === 'string' && (UNAVAILABLE_PRISMA.has(o.code) || UNAVAILABLE_SQLSTATE.test(o.code)))
      return true;
    if (typeof o.message === 'string' && UNAVAILABLE_MESSAGE.test(o.message)) return true;
    const adapter = o.meta?.driverAdapterError as { cause?: { originalCode?: unknown; kind?: unknown } } | undefined;
    const sqlState = adapter?.cause?.originalCode;
    if (typeof sqlState === 'string' && UNAVAILABLE_SQLSTATE.test(sqlState)) return true;
    if (typeof adapter?.cause?.kind === 'string' && UNAVAILABLE_KIND.has(adapter.cause.kind)) return true;
    e = o.cause ?? adapter?.cause;
  }
  return false;
}

/** Seconds a client should wait before retrying a request that failed on an unavailable database. */
export const RETRY_AFTER_SECONDS = 2;

import pg from 'pg';
import { StartupError } from '../errors.js';

export interface WaitOptions {
  /** Give up after this long (DATABASE_CONNECT_TIMEOUT_MS). */
  timeoutMs: number;
  /** Told before each retry. */
  onRetry?: (reason: string, delayMs: number) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** The server part of a connection string, without user or password, for messages. */
export function describeDatabase(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
}

/**
 * Connects once to DATABASE_URL, retrying while the server is unreachable (starting, restarting,
 * the network not up yet) with exponential backoff (0.25 s doubling to 5 s) for `timeoutMs`,
 * then fails with one line. Errors that waiting cannot fix (bad password, no such database)
 * fail at once.
 */
export async function waitForDatabase(url: string, options: WaitOptions): Promise<void> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = now() + options.timeoutMs;
  let delay = 250;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (err) {
      await client.end().catch(() => {});
      const reason = errorReason(err);
      if (!isTransient(err))
        throw new StartupError(`database ${describeDatabase(url)} refused the connection: ${reason}`);
      const left = deadline - now();
      if (left <= 0) {
        const seconds = options.timeoutMs / 1000;
        throw new StartupError(
          `database ${describeDatabase(url)} unreachable for ${seconds} s (${reason}): is it running? DATABASE_CONNECT_TIMEOUT_MS sets the wait`,
        );
      }
      const wait = Math.min(delay, left);
      options.onRetry?.(reason, wait);
      await sleep(wait);
      delay = Math.min(delay * 2, 5_000);
    }
  }
}

const TRANSIENT = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
// PostgreSQL: the server is starting up or shutting down, or has too many clients.
const TRANSIENT_SQLSTATE = new Set(['57P03', '57P01', '53300']);

function isTransient(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  if (e.code && (TRANSIENT.has(e.code) || TRANSIENT_SQLSTATE.has(e.code))) return true;
  // node-pg: a connection timeout or a socket closed during the handshake.
  return /timeout|terminated unexpectedly|Connection terminated/i.test(e.message ?? '');
}

function errorReason(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return e.code && !e.message?.includes(e.code) ? `${e.code}: ${e.message}` : (e.message ?? String(err));
}

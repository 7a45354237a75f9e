/**
 * `npx tsx bench/error-log.ts`: what the error log costs a request and the database.
 *
 * A request that fails unexpectedly calls `ErrorLog.record` once per error (in memory: a hash and
 * a map update); the write happens off the request path, one upsert per batch. This prints the
 * cost per `record` call (same fingerprint, and all distinct) and per batch write, on its own
 * database (sp_bench_error_log on the server of DATABASE_URL, else 127.0.0.1:5432).
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createPrisma } from '../src/db/client.js';
import { applyMigrations } from '../src/db/migrate.js';
import { ErrorLog } from '../src/observability/error-log.js';
import { createLogger } from '../src/observability/logger.js';

const base = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
const url = new URL(base);
url.pathname = '/sp_bench_error_log';
const admin = new pg.Client({ connectionString: base.toString() });
await admin.connect();
await admin.query('DROP DATABASE IF EXISTS sp_bench_error_log WITH (FORCE)');
await admin.query('CREATE DATABASE sp_bench_error_log');
await applyMigrations(url.toString());
const db = createPrisma({ url: url.toString(), poolSize: 2 });
const log = new ErrorLog({ db, logger: createLogger('silent') });

function errorAt(i: number, distinct: boolean): Error {
  const err = new Error(distinct ? `failure kind ${String.fromCharCode(97 + (i % 26))}${i}x` : `row ${i} failed`);
  if (distinct) err.name = `E${i}`;
  // The stack is formatted by the error's log line first (pino's serializer), not by the error log.
  void err.stack;
  return err;
}

// Connect and prepare once, so the flushes below time the write, not the connection.
await db.$queryRaw`SELECT 1`;
await log.flush();

const rows: string[][] = [];
for (const distinct of [false, true]) {
  const n = distinct ? 500 : 20_000;
  const errors = Array.from({ length: n }, (_, i) => errorAt(i, distinct));
  const t0 = performance.now();
  for (const [i, err] of errors.entries())
    log.record(err, { requestId: `r${i}`, operation: 'Op', path: 'me' }, new Date());
  const recordUs = ((performance.now() - t0) * 1000) / n;
  const t1 = performance.now();
  const written = await log.flush();
  const flushMs = performance.now() - t1;
  rows.push([
    distinct ? 'distinct fingerprints' : 'one fingerprint',
    String(n),
    recordUs.toFixed(2),
    String(written),
    flushMs.toFixed(1),
  ]);
}

console.log('error log: cost of record() on the request path, and of one batch write off it');
console.log(['case', 'errors', 'µs per record()', 'rows written', 'flush ms'].join(' | '));
for (const r of rows) console.log(r.join(' | '));
await db.$disconnect();
await admin.query('DROP DATABASE sp_bench_error_log WITH (FORCE)');
await admin.end();

import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** What the bench's files share: the command line, the database, percentiles. */

export interface CommandLine {
  /** `--<name>` was given. */
  flag(name: string): boolean;
  /** The value after `--<name>`, or undefined. */
  value(name: string): string | undefined;
  /** The value after `--<name>` as a number, else `fallback`; exits with the usage on anything else. */
  number(name: string, fallback: number): number;
}

/**
 * Reads the command line. `--help` (or `-h`) prints `usage` and exits 0 before anything else runs;
 * an option not named in `usage` prints it and exits 2.
 */
export function commandLine(usage: string, argv: readonly string[] = process.argv.slice(2)): CommandLine {
  const fail = (message: string): never => {
    console.error(`${message}\n\n${usage.trim()}`);
    process.exit(2);
  };
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage.trim());
    process.exit(0);
  }
  const named = new Set(usage.match(/--[a-z][a-z0-9-]*/g));
  for (const arg of argv) if (arg.startsWith('--') && !named.has(arg)) fail(`unknown option ${arg}`);
  const value = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    flag: (name) => argv.includes(`--${name}`),
    value,
    number(name, fallback) {
      const text = value(name);
      if (text === undefined) return fallback;
      const n = Number(text);
      return Number.isFinite(n) ? n : fail(`--${name}: a number, not ${text}`);
    },
  };
}

/** The PostgreSQL server of DATABASE_URL (else the local one), database `name` on it. */
export function databaseUrl(name: string): string {
  const url = new URL(process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs `fn` with one connection to `url`, closed after. */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The p-th percentile (0–100) of `xs`, nearest rank below; NaN when empty. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** POSTs a GraphQL request with a bearer token; the parsed response. */
export async function postJson(url: string, body: string, token: string): Promise<unknown> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  return (await fetch(url, { method: 'POST', headers, body })).json();
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A version 7 uuid (time-ordered), as the API's ids are (`@default(uuid(7))`). */
export function uuid7(): string {
  const b = randomBytes(16);
  b.writeUIntBE(Date.now(), 0, 6);
  [b[6], b[8]] = [(b[6]! & 0x0f) | 0x70, (b[8]! & 0x3f) | 0x80];
  return b.toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
}

/** A bench file in a process of its own (TypeScript through tsx), its output on ours, messages over IPC. */
export const forkTsx = (file: string, args: string[] = []) =>
  fork(file, args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });

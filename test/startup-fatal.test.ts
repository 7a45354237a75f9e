import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { prettyLogs } from '../src/observability/logger.js';
import { freePort } from './helpers/ports.js';

// What an operator sees when `npm start` cannot start for a reason they can fix: what it runs
// (dist/main.js, brought up to date by scripts/ensure-built.mjs), its stdout piped. Each case is
// one `fatal` JSON line naming the variable, port, file or directory, no stack, and exit status 1
// (docs/operating.md).

const root = path.join(import.meta.dirname, '..');
const isRoot = process.getuid?.() === 0;

let tmp: string;
const servers: Server[] = [];
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'sp-fatal-'));
  await chmod(tmp, 0o755); // the unprivileged user of the permission case walks through it
  await promisify(execFile)(process.execPath, ['scripts/ensure-built.mjs'], { cwd: root });
}, 120_000);
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm start`'s server with this environment (and no DATABASE_URL unless given). */
function start(env: Record<string, string>, options: { as?: 'nobody' } = {}): Promise<Run> {
  const { DATABASE_URL: _url, LOG_LEVEL: _level, ...inherited } = process.env;
  const full = { ...inherited, NODE_ENV: 'development', HOST: '127.0.0.1', PORT: '0', ...env };
  const [command, args] =
    options.as === 'nobody'
      ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, 'dist/main.js']]
      : [process.execPath, ['dist/main.js']];
  return new Promise((resolve) => {
    execFile(command, args, { cwd: root, env: full, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

/** Exit 1, nothing on stderr, JSON lines only, and exactly one fatal line: it is returned. */
function oneFatalLine(run: Run): string {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(1);
  const lines = run.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { level: number; msg: string; err?: unknown });
  const fatal = lines.filter((l) => l.level === 60);
  expect(fatal).toHaveLength(1);
  expect(fatal[0]!.err).toBeUndefined();
  expect(run.stdout).not.toMatch(/stack|\n\s+at /);
  return fatal[0]!.msg;
}

async function listening(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  servers.push(server);
  await once(server, 'listening');
  return (server.address() as { port: number }).port;
}

describe('start-up failures the operator can fix', () => {
  it('logs readable lines only at a terminal, in development', () => {
    expect(prettyLogs('development', true)).toBe(true);
    expect(prettyLogs(undefined, true)).toBe(true);
    expect(prettyLogs('development', false)).toBe(false);
    expect(prettyLogs('production', true)).toBe(false);
  });

  it('a bad variable: one line naming it', async () => {
    expect(oneFatalLine(await start({ PORT: 'eighty' }))).toMatch(/^start-up failed: configuration: PORT /);
  });

  it('missing variables in production: one line for each, naming it', async () => {
    const run = await start({ NODE_ENV: 'production', DATA_DIR: path.join(tmp, 'prod') });
    expect(run.code).toBe(1);
    const messages = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(messages.every((m) => m.level === 60)).toBe(true);
    expect(messages.map((m) => m.msg.split(' ')[3])).toEqual(expect.arrayContaining(['JWT_SECRET', 'DATABASE_URL']));
  });

  it('the port in use: one line naming it, and METRICS_PORT likewise', async () => {
    const port = await listening();
    expect(oneFatalLine(await start({ PORT: String(port), DATA_DIR: path.join(tmp, 'port') }))).toBe(
      `start-up failed: port ${port} is already in use on 127.0.0.1: stop the other process or set PORT`,
    );
    expect(oneFatalLine(await start({ METRICS_PORT: String(port), DATA_DIR: path.join(tmp, 'port') }))).toBe(
      `start-up failed: port ${port} is already in use on 127.0.0.1: stop the other process or set METRICS_PORT`,
    );
  });

  it('a data directory that cannot be written: one line naming it', async () => {
    const file = path.join(tmp, 'a-file');
    await writeFile(file, '');
    expect(oneFatalLine(await start({ DATA_DIR: path.join(file, 'data') }))).toBe(
      `start-up failed: data directory ${path.join(file, 'data')} is not writable (ENOTDIR): fix its permissions or set DATA_DIR`,
    );
  });

  it('an unreadable development JWT secret: one line naming the file', async () => {
    const dataDir = path.join(tmp, 'secret');
    await mkdir(path.join(dataDir, 'jwt-secret'), { recursive: true }); // a folder where the file should be
    expect(oneFatalLine(await start({ DATA_DIR: dataDir }))).toBe(
      `start-up failed: the development JWT secret ${path.join(dataDir, 'jwt-secret')} cannot be read or written (EISDIR): fix its permissions, delete it, or set JWT_SECRET`,
    );
  });

  it('an embedded database in use by another server: one line naming the directory', async () => {
    const dataDir = path.join(tmp, 'locked');
    await mkdir(dataDir);
    // This (live) test process holds the lock, as a running server would.
    await writeFile(path.join(dataDir, 'pglite.lock'), String(process.pid));
    expect(oneFatalLine(await start({ DATA_DIR: dataDir }))).toBe(
      `start-up failed: the embedded database in ${path.join(dataDir, 'pglite')} is in use by another server (pid ${process.pid}): stop it first, or give this one its own EMBEDDED_DB_DIR`,
    );
  });

  it('embedded database files this user may not write: one line naming the directory and a file', async () => {
    if (isRoot) expect(existsSync('/usr/bin/setpriv') || existsSync('/bin/setpriv')).toBe(true);
    const dataDir = path.join(tmp, 'foreign');
    const dir = path.join(dataDir, 'pglite');
    await mkdir(dir, { recursive: true });
    const db = await PGlite.create({ dataDir: dir });
    await db.close();
    // As after one `sudo npm start`: the files belong to someone else (root), the folders are open.
    await chmod(dataDir, 0o777);
    await chmod(dir, 0o777);
    if (!isRoot) {
      for (const entry of await readdir(dir, { recursive: true })) {
        const p = path.join(dir, entry);
        await chmod(p, 0o555).catch(() => {});
      }
    }
    const msg = oneFatalLine(
      await start({ DATA_DIR: dataDir, JWT_SECRET: 'x'.repeat(32) }, isRoot ? { as: 'nobody' } : {}),
    );
    expect(msg).toMatch(
      new RegExp(
        `^start-up failed: the embedded database in ${dir} cannot be opened: ${dir}/\\S+ is not writable by this user`,
      ),
    );
  }, 90_000);

  it('an unreachable DATABASE_URL: one line naming the server', async () => {
    const port = await freePort();
    const msg = oneFatalLine(
      await start({
        DATABASE_URL: `postgresql://postgres@127.0.0.1:${port}/nowhere`,
        DATABASE_CONNECT_TIMEOUT_MS: '0',
        JWT_SECRET: 'x'.repeat(32),
      }),
    );
    expect(msg).toMatch(new RegExp(`^start-up failed: database 127\\.0\\.0\\.1:${port}/nowhere unreachable for 0 s`));
  });
});

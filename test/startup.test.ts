import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { startApp, type RunningApp } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import { StartupError } from '../src/errors.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { freePort } from './helpers/ports.js';

// What `npm start` does before it answers: the checks that fail fast in one line, the wait for
// an unreachable DATABASE_URL, and the development JWT secret kept under the data directory.

let database: TestDatabase;
let dataDir: string;
const apps: RunningApp[] = [];
beforeAll(async () => {
  database = await createTestDatabase();
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.stop()));
});
afterAll(async () => {
  await database?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** A logger whose lines the test reads; `onLine` sees each message as it is written. */
function capture(onLine: (msg: string) => void = () => {}) {
  const lines: string[] = [];
  const logger = pino(
    { level: 'info' },
    {
      write(line: string) {
        const msg = (JSON.parse(line) as { msg: string }).msg;
        lines.push(msg);
        onLine(msg);
      },
    },
  );
  return { logger, lines };
}

async function config(env: Record<string, string>): Promise<Config> {
  dataDir ??= await mkdtemp(path.join(tmpdir(), 'sp-startup-'));
  return loadConfig({ NODE_ENV: 'development', HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, ...env });
}

async function signUpAndMe(app: RunningApp, token?: string) {
  const gql = async (query: string, bearer?: string) => {
    const res = await app.server.yoga.fetch('http://test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      body: JSON.stringify({ query }),
    });
    return (await res.json()) as { data?: any; errors?: unknown[] };
  };
  if (!token) {
    const res = await gql(
      'mutation { signUp(input: { email: "restart@example.com", password: "correct horse battery", firstName: "Re", lastName: "Start" }) { token } }',
    );
    token = res.data.signUp.token as string;
  }
  return { token, me: await gql('{ me { email } }', token) };
}

describe('start-up', () => {
  // As `npm start` on a fresh clone: no DATABASE_URL (the embedded database under DATA_DIR too).
  it('keeps a generated development JWT secret under the data directory, so tokens survive a restart', async () => {
    const first = capture();
    const app = await startApp(await config({}), first.logger);
    const { token, me } = await signUpAndMe(app);
    expect(me).toEqual({ data: { me: { email: 'restart@example.com' } } });
    await app.stop();
    const file = path.join(dataDir, 'jwt-secret');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(first.lines).toContain(`JWT_SECRET is not set: using the development secret in ${file} (created now)`);

    const second = capture();
    apps.push(await startApp(await config({}), second.logger));
    expect((await signUpAndMe(apps[0]!, token)).me).toEqual({ data: { me: { email: 'restart@example.com' } } });
    expect(second.lines).toContain(
      `JWT_SECRET is not set: using the development secret in ${file} (kept from an earlier run)`,
    );
    expect(second.lines).toContain('migrations: none pending, schema up to date');
  }, 60_000);

  it('fails in one line when the port is taken, before starting the database', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const port = (taken.address() as { port: number }).port;
    const embeddedDir = path.join(await mkdtemp(path.join(tmpdir(), 'sp-port-')), 'pglite');
    try {
      const { logger, lines } = capture();
      const started = startApp(await config({ PORT: String(port), EMBEDDED_DB_DIR: embeddedDir }), logger);
      await expect(started).rejects.toThrow(
        new StartupError(`port ${port} is already in use on 127.0.0.1: stop the other process or set PORT`),
      );
      expect(lines.some((l) => l.includes('embedded PostgreSQL'))).toBe(false);
      await expect(stat(embeddedDir)).rejects.toThrow(/ENOENT/);
    } finally {
      taken.close();
    }
  });

  it('says so when the data directory cannot be written', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'sp-notdir-'));
    const file = path.join(parent, 'a-file');
    await writeFile(file, '');
    const started = startApp(await config({ DATA_DIR: path.join(file, 'data') }), capture().logger);
    await expect(started).rejects.toThrow(
      `data directory ${path.join(file, 'data')} is not writable (ENOTDIR): fix its permissions or set DATA_DIR`,
    );
    await rm(parent, { recursive: true });
  });

  it('gives up on an unreachable DATABASE_URL after DATABASE_CONNECT_TIMEOUT_MS, in one line', async () => {
    const port = await freePort();
    const { logger, lines } = capture();
    const started = startApp(
      await config({
        DATABASE_URL: `postgresql://postgres@127.0.0.1:${port}/nowhere`,
        DATABASE_CONNECT_TIMEOUT_MS: '600',
        JWT_SECRET: 'x'.repeat(32),
      }),
      logger,
    );
    await expect(started).rejects.toThrow(
      new RegExp(`^database 127\\.0\\.0\\.1:${port}/nowhere unreachable for 0.6 s \\(connect ECONNREFUSED`),
    );
    expect(
      lines.filter((l) => l.includes(`not reachable (connect ECONNREFUSED 127.0.0.1:${port}); retrying in`)).length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('retries an unreachable DATABASE_URL with backoff and starts once it answers', async () => {
    const target = new URL(database.url);
    const port = await freePort();
    let proxy: Server | undefined;
    const sockets: Socket[] = [];
    // The database "comes up" (a TCP proxy to the real one starts) when the first retry is announced.
    const { logger, lines } = capture((msg) => {
      if (proxy || !msg.includes('retrying in')) return;
      proxy = createServer((client) => {
        const upstream = connect(Number(target.port || 5432), target.hostname);
        sockets.push(client, upstream);
        client.pipe(upstream).pipe(client);
        client.on('error', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
      }).listen(port, '127.0.0.1');
    });
    const url = new URL(database.url);
    url.port = String(port);
    try {
      apps.push(
        await startApp(
          await config({
            DATABASE_URL: url.toString(),
            DATABASE_CONNECT_TIMEOUT_MS: '20000',
            JWT_SECRET: 'x'.repeat(32),
          }),
          logger,
        ),
      );
      expect(lines.filter((l) => l.includes('retrying in')).length).toBeGreaterThanOrEqual(1);
      expect(lines).toContain('migrations: none pending, schema up to date');
      await apps.splice(0)[0]!.stop();
    } finally {
      for (const s of sockets) s.destroy();
      proxy?.close();
    }
  });
});

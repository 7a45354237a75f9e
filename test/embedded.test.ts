import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { startApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { MemoryMailer } from '../src/mail/mailer.js';
import { createLogger } from '../src/observability/logger.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function post(url: string, query: string, token?: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return (await res.json()) as { data?: any; errors?: unknown[] };
}

describe('embedded database (no DATABASE_URL)', () => {
  it('starts, migrates, serves sign-up and me, and keeps the data across a restart', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sp-embedded-'));
    dirs.push(dir);
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      EMBEDDED_DB_DIR: path.join(dir, 'pglite'),
      JWT_SECRET: 'embedded-test-secret-embedded-test-secret',
    });
    expect(config.databaseUrl).toBeNull();
    const logger = createLogger('silent');

    const first = await startApp(config, logger, { mailer: new MemoryMailer() });
    let token: string;
    try {
      const signUp = await post(
        first.url,
        'mutation { signUp(input: { email: "emb@example.com", password: "long enough pw", firstName: "Em", lastName: "Bedded" }) { token } }',
      );
      expect(signUp.errors).toBeUndefined();
      token = signUp.data.signUp.token;
      const me = await post(first.url, '{ me { email firstName } }', token);
      expect(me.data).toEqual({ me: { email: 'emb@example.com', firstName: 'Em' } });
      // A second server on the same directory refuses to start, and the first goes on serving.
      await expect(startApp(config, logger, { mailer: new MemoryMailer() })).rejects.toThrow(
        /the embedded database in .* is in use by another server/,
      );
      expect((await post(first.url, '{ me { email } }', token)).data).toEqual({ me: { email: 'emb@example.com' } });
      await first.bus.idle();
    } finally {
      await first.stop();
    }

    const second = await startApp(config, logger, { mailer: new MemoryMailer() });
    try {
      const me = await post(second.url, '{ me { email } }', token);
      expect(me.data).toEqual({ me: { email: 'emb@example.com' } });
      const migrations = await second.db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "_prisma_migrations"`;
      expect(Number(migrations[0]!.n)).toBeGreaterThan(0);
      const ready = await fetch(second.url.replace('/graphql', '/ready'));
      expect(ready.status).toBe(200);
    } finally {
      await second.stop();
    }
  }, 60_000);
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { MemoryMailer } from '../src/mail/mailer.js';
import { createLogger } from '../src/observability/logger.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('graceful shutdown', () => {
  it('finishes a request in flight, then stops accepting and closes the database', async () => {
    // On the embedded database the test database is the only connection it may have: use a
    // fresh directory-less app there instead of sharing.
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      ...(database.embedded ? { EMBEDDED_DB_DIR: `/tmp/sp-shutdown-${process.pid}` } : { DATABASE_URL: database.url }),
      JWT_SECRET: 'shutdown-test-secret-shutdown-test-secret',
    });
    if (database.embedded) await database.drop();
    const mailer = new MemoryMailer();
    const app = await startApp(config, createLogger('silent'), { mailer });

    let stopped: Promise<void> | undefined;
    app.server.http.once('request', () => {
      stopped = app.stop();
    });
    const res = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query:
          'mutation { signUp(input: { email: "bye@example.com", password: "long enough pw", firstName: "B", lastName: "Y" }) { user { email } } }',
      }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { signUp: { user: { email: 'bye@example.com' } } } });
    await stopped;

    await expect(fetch(app.url.replace('/graphql', '/health'))).rejects.toThrow();
    if (!database.embedded) {
      // The app's pool is closed: no session of the test database is left (this test's own
      // client has not connected).
      const pg = (await import('pg')).default;
      const client = new pg.Client({ connectionString: database.url.replace(/\/[^/?]+(\?|$)/, '/postgres$1') });
      await client.connect();
      const name = new URL(database.url).pathname.slice(1);
      const { rows } = await client.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
      await client.end();
      expect(rows[0].n).toBe(0);
    }
  });
});

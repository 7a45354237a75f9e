import { mkdtemp, mkdir, cp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { defaultMigrationsDir } from '../src/db/migrate.js';
import { createLogger } from '../src/observability/logger.js';
import { createServer } from '../src/server.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createUser } from './helpers/factories.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe('health and readiness', () => {
  it('GET /health answers without touching the database', async () => {
    const res = await app.fetch('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });

  it('GET /ready answers ready when the database is reachable and migrated', async () => {
    // A connection of the pool open first: on a loaded machine the very first one can take longer
    // than the check's 2 s timeout (which is what a cold replica's first probe would then answer).
    await app.db.$queryRaw`SELECT 1`;
    const res = await app.fetch('/ready');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready' });
  });

  it('GET /ready answers 503 naming a migration that is not applied', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'migrations-'));
    await cp(defaultMigrationsDir, dir, { recursive: true });
    await mkdir(path.join(dir, '29990101000000_future'));
    await writeFile(path.join(dir, '29990101000000_future', 'migration.sql'), 'SELECT 1;');
    const server = createServer({
      config: { graphiql: false },
      db: app.db,
      logger: createLogger('silent'),
      tokens: app.tokens,
      events: app.bus,
      live: app.live,
      migrationsDir: dir,
    });
    const res = await server.yoga.fetch('http://test/ready');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'unavailable',
      problems: ['migration not applied: 29990101000000_future'],
    });
  });
});

describe('errors', () => {
  it('gives GraphQL validation errors a code', async () => {
    const res = await app.gql('{ me { noSuchField } }');
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('gives a variable of the wrong type BAD_USER_INPUT', async () => {
    const res = await app.gql('mutation ($input: SignInInput!) { signIn(input: $input) { token } }', {
      input: { email: 1 },
    });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a query deeper than the limit', async () => {
    const deep =
      '{ me { courses { edges { node { assignments { edges { node { course { assignments { edges { node { course { name } } } } } } } } } } } } }';
    const res = await app.gql(deep);
    expect(res.errors?.[0]).toMatchObject({ extensions: { code: 'QUERY_LIMIT_EXCEEDED' } });
    expect(res.errors?.[0]?.message).toMatch(/depth limit of 12 exceeded/i);
    expect(res.data ?? null).toBeNull();
  });

  it('masks an unexpected failure: no stack or SQL, a code and the request id', async () => {
    const user = await createUser(app.db);
    const token = await app.tokens.issue(user.id);
    // Break the table under the resolver (this suite owns its database).
    await app.db.$executeRawUnsafe('ALTER TABLE "User" RENAME COLUMN "timezone" TO "tz_broken"');
    try {
      const res = await app.gql('{ me { timezone } }', {}, token, { 'x-request-id': 'req-123' });
      expect(res.status).toBe(200);
      expect(res.errors).toEqual([
        {
          message: 'Unexpected error.',
          locations: [{ line: 1, column: 3 }],
          path: ['me'],
          extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-123' },
        },
      ]);
    } finally {
      await app.db.$executeRawUnsafe('ALTER TABLE "User" RENAME COLUMN "tz_broken" TO "timezone"');
    }
  });

  it('refuses a request body over 1 MB with 413, declared or streamed, and runs nothing', async () => {
    const email = `big-${Date.now()}@example.com`;
    const mutation = `mutation { signUp(input: { email: "${email}", password: "long enough pw", firstName: "A", lastName: "B" }) { token } }`;
    const body = JSON.stringify({ query: mutation, padding: 'x'.repeat(1_100_000) });
    const declared = await app.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
      body,
    });
    // Without Content-Length (chunked): counted as it arrives.
    const bytes = new TextEncoder().encode(body);
    const streamed = await app.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.subarray(i, i + 64 * 1024));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    for (const res of [declared, streamed]) {
      expect(res.status).toBe(413);
      const json = (await res.json()) as { errors: { extensions: { code: string } }[] };
      expect(json.errors[0]!.extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');
    }
    expect(await app.db.user.count({ where: { email } })).toBe(0);
    // The same operation in a small body runs.
    const small = await app.gql(mutation);
    expect(small.errors).toBeUndefined();
  });

  it('serves GraphiQL to a browser', async () => {
    const res = await app.fetch('/graphql', { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('GraphiQL');
  });
});

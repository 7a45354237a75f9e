import { mkdtemp, mkdir, cp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../src/config.js';
import { defaultMigrationsDir } from '../src/db/migrate.js';
import { createLogger } from '../src/observability/logger.js';
import { createServer } from '../src/server.js';
import { createTestApp, TEST_JWT_SECRET, type TestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

const OPERATOR_TOKEN = 'operator-token-0123456789';
let database: TestDatabase;
let prod: TestApp;
beforeAll(async () => {
  database = await createTestDatabase();
  prod = await createTestApp({ database, env: production() });
});
afterAll(async () => {
  await prod?.close();
  await database?.drop();
});

function production(extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: database.url,
    SMTP_URL: 'smtp://mail.invalid:25',
    GRAPHIQL: 'false',
    OPERATOR_TOKEN,
    ...extra,
  };
}

const code = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.[0]?.extensions?.code;

describe('production profile', () => {
  it('refuses introspection unless INTROSPECTION=true; __typename still works', async () => {
    expect(code(await prod.gql('{ __schema { queryType { name } } }'))).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(code(await prod.gql('{ __type(name: "User") { name } }'))).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await prod.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
    const open = await createTestApp({ database, env: production({ INTROSPECTION: 'true' }) });
    try {
      expect((await open.gql('{ __schema { queryType { name } } }')).data).toEqual({
        __schema: { queryType: { name: 'Query' } },
      });
    } finally {
      await open.close();
    }
  });

  it('gives no field suggestions', async () => {
    const res = await prod.gql('{ mee { id } }');
    expect(res.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });

  it('counts __typename aliases against the alias limit', async () => {
    const aliases = Array.from({ length: 101 }, (_, i) => `a${i}: __typename`).join(' ');
    expect(code(await prod.gql(`{ ${aliases} }`))).toBe('QUERY_LIMIT_EXCEEDED');
  });

  it('runs nothing from a request a browser form could send (CSRF), and no mutation over GET', async () => {
    const get = await prod.fetch(`/graphql?query=${encodeURIComponent('{ __typename }')}`);
    expect(get.status).toBe(403);
    const form = await prod.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `query=${encodeURIComponent('mutation { signIn(input: { email: "a@b.c", password: "x" }) { token } }')}`,
    });
    expect(form.status).toBe(403);
    const mutationOverGet = await prod.fetch(
      `/graphql?query=${encodeURIComponent('mutation { completeOnboarding { id } }')}`,
      { headers: { 'graphql-client-name': 'web' } },
    );
    expect(mutationOverGet.status).toBe(405);
    // A client that names itself (a header a form cannot set) may still GET a query.
    const named = await prod.fetch(`/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { 'graphql-client-name': 'web' },
    });
    expect(named.status).toBe(200);
  });

  it('allows only the origins of CORS_ORIGINS, without credentials', async () => {
    const preflight = (app: TestApp, origin: string) =>
      app.fetch('/graphql', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const none = await preflight(prod, 'https://evil.example');
    expect(none.headers.get('access-control-allow-origin')).toBeNull();
    const listed = await createTestApp({ database, env: production({ CORS_ORIGINS: 'https://app.example' }) });
    try {
      const ok = await preflight(listed, 'https://app.example');
      expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(ok.headers.get('access-control-allow-credentials')).toBeNull();
      const evil = await preflight(listed, 'https://evil.example');
      expect(evil.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
    } finally {
      await listed.close();
    }
  });

  it('with credentials on, Origin: null and unlisted origins get no CORS headers; a listed one is echoed with Vary', async () => {
    const listed = await createTestApp({
      database,
      env: production({ CORS_ORIGINS: 'https://app.example,https://admin.example', CORS_CREDENTIALS: 'true' }),
    });
    const cors = (res: { headers: Headers }) => ({
      origin: res.headers.get('access-control-allow-origin'),
      credentials: res.headers.get('access-control-allow-credentials'),
    });
    try {
      for (const origin of ['null', 'https://evil.example']) {
        const preflight = await listed.fetch('/graphql', {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type',
          },
        });
        expect(cors(preflight)).toEqual({ origin: null, credentials: null });
        const post = await listed.gql('{ __typename }', {}, undefined, { origin });
        expect(cors(post)).toEqual({ origin: null, credentials: null });
      }
      const ok = await listed.fetch('/graphql', {
        method: 'OPTIONS',
        headers: { origin: 'https://admin.example', 'access-control-request-method': 'POST' },
      });
      expect(cors(ok)).toEqual({ origin: 'https://admin.example', credentials: 'true' });
      expect(ok.headers.get('vary')).toMatch(/Origin/);
    } finally {
      await listed.close();
    }
  });

  it('answers repeated unknown directives with one error (graphql-cop: directive overloading)', async () => {
    const res = await prod.gql('query cop { __typename @aa@aa@aa@aa@aa@aa@aa@aa@aa@aa }');
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]).toMatchObject({
      message: 'Unknown directive "@aa".',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    expect((res.errors![0] as { locations?: unknown[] }).locations).toHaveLength(10);
    // Different mistakes are still told apart.
    const two = await prod.gql('{ __typename @aa @bb }');
    expect(two.errors?.map((e) => e.message)).toEqual(['Unknown directive "@aa".', 'Unknown directive "@bb".']);
  });

  it('/ready shows its problems only to the operator token', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'migrations-'));
    await cp(defaultMigrationsDir, dir, { recursive: true });
    await mkdir(path.join(dir, '29990101000000_future'));
    await writeFile(path.join(dir, '29990101000000_future', 'migration.sql'), 'SELECT 1;');
    const server = createServer({
      config: { graphiql: false, production: true, operatorToken: OPERATOR_TOKEN },
      db: prod.db,
      logger: createLogger('silent'),
      tokens: prod.tokens,
      events: prod.bus,
      live: prod.live,
      migrationsDir: dir,
    });
    const anonymous = await server.yoga.fetch('http://test/ready');
    expect(anonymous.status).toBe(503);
    expect(await anonymous.json()).toEqual({ status: 'unavailable' });
    const operator = await server.yoga.fetch('http://test/ready', {
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
    });
    expect(await operator.json()).toEqual({
      status: 'unavailable',
      problems: ['migration not applied: 29990101000000_future'],
    });
  });

  it('refuses to start without SMTP_URL (mail would silently go nowhere)', () => {
    const env = { NODE_ENV: 'production', DATABASE_URL: 'postgresql://x/y', JWT_SECRET: TEST_JWT_SECRET };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow('SMTP_URL is required in production');
    expect(loadConfig({ ...env, SMTP_URL: 'smtp://mail:25' }).mail.transport).toBe('smtp');
    // Only logging mails in production is a choice made out loud.
    expect(loadConfig({ ...env, MAIL_TRANSPORT: 'log' }).mail).toMatchObject({ transport: 'log', smtpUrl: null });
  });
});

import { buildApp } from '../../src/app.js';
import type { TokenService } from '../../src/auth/tokens.js';
import { loadConfig } from '../../src/config.js';
import type { Db } from '../../src/db/client.js';
import type { EventBus, EventHandler } from '../../src/events/bus.js';
import type { HandlerDeps } from '../../src/events/handlers/index.js';
import type { LiveUpdates } from '../../src/events/live.js';
import { MemoryMailer } from '../../src/mail/mailer.js';
import { createLogger } from '../../src/observability/logger.js';
import type { AppServer } from '../../src/server.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export const TEST_JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface TestApp {
  database: TestDatabase;
  db: Db;
  server: AppServer;
  bus: EventBus<HandlerDeps>;
  mailer: MemoryMailer;
  live: LiveUpdates;
  tokens: TokenService;
  clock: { now: Date };
  /** Sends a GraphQL operation through Yoga, as an HTTP client would. */
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  handlers?: EventHandler<HandlerDeps>[];
  onQuery?: (sql: string, params: string) => void;
  maxAttempts?: number;
  /** Share subscriptions through this Redis (as replicas do); default: in memory. */
  redisUrl?: string;
  /** VIEWER_CACHE_TTL_MS of the server; default: the production default. */
  viewerCacheTtlMs?: number;
  /** Use this database instead of a new one (two "replicas" on one database). */
  database?: TestDatabase;
  /** More environment variables for the server's config (e.g. rate limits, NODE_ENV). */
  env?: Record<string, string>;
}

/** The app as main.ts builds it (buildApp), on a database of its own, with a settable clock and a memory mailer. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase({ onQuery: options.onQuery }));
  const ownsDatabase = !options.database;
  const clock = { now: new Date() };
  const now = () => new Date(clock.now);
  const config = loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: TEST_JWT_SECRET,
    JWT_EXPIRES_IN: '1h',
    EVENT_MAX_ATTEMPTS: String(options.maxAttempts ?? 3),
    EVENT_POLL_INTERVAL_MS: '60000',
    REDIS_URL: options.redisUrl,
    VIEWER_CACHE_TTL_MS: options.viewerCacheTtlMs?.toString(),
    GRAPHIQL: 'true',
    ...options.env,
  });
  const mailer = new MemoryMailer();
  const app = buildApp({
    config,
    db: database.db,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    mailer,
    now,
    handlers: options.handlers,
    backoffMs: () => 1000,
  });
  const { server } = app;
  return {
    database,
    db: database.db,
    server,
    bus: app.bus,
    mailer,
    live: app.live,
    tokens: app.tokens,
    clock,
    async gql(query, variables, token, headers = {}) {
      const res = await server.yoga.fetch('http://test/graphql', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: any; errors?: any[] };
      return { status: res.status, headers: res.headers, data: body.data, errors: body.errors };
    },
    fetch(path, init) {
      return Promise.resolve(server.yoga.fetch(`http://test${path}`, init ?? {}));
    },
    async close() {
      await app.stop();
      if (ownsDatabase) await database.drop();
    },
  };
}

/** The database id inside a Relay global id. */
export function rawId(globalId: string): string {
  return Buffer.from(globalId, 'base64').toString('utf8').split(':').slice(1).join(':');
}

/** The Relay global id of a row. */
export function globalId(type: string, id: string): string {
  return Buffer.from(`${type}:${id}`).toString('base64');
}

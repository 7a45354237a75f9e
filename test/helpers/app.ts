import { buildApp } from '../../src/app.js';
import type { TokenService } from '../../src/auth/tokens.js';
import { loadConfig } from '../../src/config.js';
import type { Db } from '../../src/db/client.js';
import type { EventBus } from '../../src/events/bus.js';
import type { EventHandler } from '../../src/events/handler.js';
import type { HandlerDeps } from '../../src/events/handlers/index.js';
import type { LiveTopics, LiveUpdates } from '../../src/events/live.js';
import type { JobScheduler } from '../../src/jobs/runner.js';
import { MemoryMailer } from '../../src/mail/mailer.js';
import { MemoryPushTransport } from '../../src/mail/push.js';
import { createLogger, type Logger } from '../../src/observability/logger.js';
import type { Observability } from '../../src/observability/index.js';
import { createServer, type AppServer, type ServerDeps } from '../../src/server.js';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
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
  push: MemoryPushTransport;
  /** The scheduled jobs (not started): `jobs.run(name)` runs one now, at the test clock. */
  jobs: JobScheduler;
  live: LiveUpdates;
  /**
   * Resolves once the server has subscribed `userId` to `topic` (a graphql-ws client's subscribe
   * message is handled after the connection ack its helper waits for): await it before publishing.
   */
  subscribed(topic: keyof LiveTopics, userId: string): Promise<void>;
  tokens: TokenService;
  observability: Observability;
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
  /** More environment variables for loadConfig (e.g. TRUSTED_DOCUMENTS, REVENUECAT_WEBHOOK_SECRET, METRICS_TOKEN). */
  env?: Record<string, string | undefined>;
  /** Record spans into this exporter. */
  spanExporter?: SpanExporter;
  /** Default: silent (TEST_LOG_LEVEL to see logs). */
  logger?: Logger;
  /** Push through the providers `env` configures (APNS_*, FCM_*, VAPID_*), as main.ts does; default: `push`, in memory. */
  pushFromConfig?: boolean;
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
    // A test that records spans sees every trace (production samples one new trace in ten).
    ...(options.spanExporter ? { OTEL_TRACES_SAMPLER: 'parentbased_always_on' } : {}),
    ...options.env,
  });
  const mailer = new MemoryMailer();
  const push = new MemoryPushTransport();
  const seen = new Set<string>();
  const waiting = new Map<string, (() => void)[]>();
  // Sees when a subscriber attaches (subscribed()), so tests await it instead of sleeping.
  const decorateLive = (transport: LiveUpdates): LiveUpdates => ({
    publish: (topic, userId, message) => transport.publish(topic, userId, message),
    subscribe(topic, userId) {
      const source = transport.subscribe(topic, userId);
      const key = `${topic}:${userId}`;
      seen.add(key);
      for (const resolve of waiting.get(key) ?? []) resolve();
      waiting.delete(key);
      return source;
    },
    onReconnect: (listener) => transport.onReconnect?.(listener) ?? (() => undefined),
  });
  const app = buildApp({
    decorateLive,
    push: options.pushFromConfig ? undefined : push,
    config,
    db: database.db,
    logger: options.logger ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    mailer,
    now,
    handlers: options.handlers,
    backoffMs: () => 1000,
    spanExporter: options.spanExporter,
  });
  const { server } = app;
  return {
    database,
    db: database.db,
    server,
    bus: app.bus,
    mailer,
    push,
    jobs: app.jobs,
    live: app.live,
    subscribed(topic, userId) {
      const key = `${topic}:${userId}`;
      if (seen.has(key)) return Promise.resolve();
      return new Promise((resolve) => waiting.set(key, [...(waiting.get(key) ?? []), resolve]));
    },
    tokens: app.tokens,
    observability: app.observability,
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

/**
 * Another server beside `app`: the same database, tokens, event bus, live updates and clock, with
 * server settings of its own (a replica configured otherwise). Left out: no versioning overrides,
 * trusted documents `allow`, GraphiQL off.
 */
export function serverBeside(
  app: TestApp,
  config: Partial<ServerDeps['config']> = {},
  deps: Pick<ServerDeps, 'schemaDir'> = {},
): AppServer {
  return createServer({
    config: { graphiql: false, ...config },
    db: app.db,
    logger: createLogger('silent'),
    tokens: app.tokens,
    events: app.bus,
    live: app.live,
    now: () => new Date(app.clock.now),
    ...deps,
  });
}

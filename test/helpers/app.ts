import { createTokenService, type TokenService } from '../../src/auth/tokens.js';
import type { Db } from '../../src/db/client.js';
import { EventBus, type EventHandler } from '../../src/events/bus.js';
import { handlers as defaultHandlers, type HandlerDeps } from '../../src/events/handlers/index.js';
import { createTaskPubSub, type TaskPubSub } from '../../src/events/pubsub.js';
import { MemoryMailer } from '../../src/mail/mailer.js';
import { createLogger } from '../../src/observability/logger.js';
import { createServer, type AppServer } from '../../src/server.js';
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
  pubsub: TaskPubSub;
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
}

/** The app as main.ts builds it, on a database of its own, with a settable clock and a memory mailer. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase({ onQuery: options.onQuery }));
  const ownsDatabase = !options.database;
  const { pubsub, close: closePubSub } = createTaskPubSub(options.redisUrl ?? null);
  const clock = { now: new Date() };
  const now = () => new Date(clock.now);
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const mailer = new MemoryMailer();
  const tokens = createTokenService({ secret: TEST_JWT_SECRET, expiresIn: '1h', now });
  const bus = new EventBus<HandlerDeps>({
    db: database.db,
    logger,
    handlers: options.handlers ?? defaultHandlers,
    deps: { mailer, pubsub },
    maxAttempts: options.maxAttempts ?? 3,
    pollIntervalMs: 60_000,
    now,
    backoffMs: () => 1000,
  });
  const server = createServer({
    config: { graphiql: true, viewerCacheTtlMs: options.viewerCacheTtlMs },
    db: database.db,
    logger,
    tokens,
    events: bus,
    pubsub,
    now,
  });
  return {
    database,
    db: database.db,
    server,
    bus,
    mailer,
    pubsub,
    tokens,
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
      if (server.http.listening) await server.close();
      await bus.stop();
      await closePubSub();
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

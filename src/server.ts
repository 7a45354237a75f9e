import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { execute, subscribe } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { TokenService } from './auth/tokens.js';
import { createViewerLoader } from './auth/viewer-cache.js';
import { defaultVersioningConfig, DEFAULT_VIEWER_CACHE_TTL_MS, type Config } from './config.js';
import type { Context } from './context.js';
import type { Db } from './db/client.js';
import type { TaskPubSub } from './events/pubsub.js';
import { pendingMigrations } from './db/migrate.js';
import { useRequestBodyLimit } from './http/body-limit.js';
import { graphiqlOptions, renderGraphiQL } from './http/graphiql.js';
import { useHealthRoutes } from './http/health.js';
import type { Logger } from './observability/logger.js';
import { useDeprecations } from './plugins/deprecations.js';
import { useErrorCodes } from './plugins/error-codes.js';
import { getSchema } from './schema/index.js';
import { DeprecationRegistry } from './versioning/registry.js';
import type { DeprecationUsageTracker } from './versioning/usage-tracker.js';
import { createVersioning } from './versioning/versioning.js';

export interface ServerDeps {
  /**
   * `versioning` left out: the defaults (warn past sunset, no client minimums);
   * `viewerCacheTtlMs` left out: the default of VIEWER_CACHE_TTL_MS.
   */
  config: Pick<Config, 'graphiql'> & Partial<Pick<Config, 'versioning' | 'viewerCacheTtlMs'>>;
  db: Db;
  logger: Logger;
  tokens: TokenService;
  events: { notify(): void };
  pubsub: TaskPubSub;
  now?: () => Date;
  /** Folder of migrations that /ready checks against; defaults to prisma/migrations. */
  migrationsDir?: string;
  /** Folder with the schema releases and CHANGELOG.md that apiInfo reads; defaults to schema/. */
  schemaDir?: string;
}

export interface AppServer {
  yoga: YogaServerInstance<ServerContextInput, Context>;
  http: Server;
  /** Counts of deprecated coordinates per client, written in batches; `flush()` writes now. */
  deprecationUsage: Pick<DeprecationUsageTracker, 'flush'>;
  /** Listens and resolves with the URL of the GraphQL endpoint. */
  listen(port: number, host?: string): Promise<string>;
  /** Stops accepting, lets in-flight requests finish, closes idle keep-alive sockets. */
  close(): Promise<void>;
}

/** What the context factory is given: an HTTP request, or a graphql-ws subscription's context. */
interface ServerContextInput {
  request?: Request;
  connectionParams?: Record<string, unknown>;
}

interface EnvelopedRoot {
  execute: (args: unknown) => ReturnType<typeof execute>;
  subscribe: (args: unknown) => ReturnType<typeof subscribe>;
}

function stringParam(params: Record<string, unknown>, name: string): string | null {
  const value = params[name];
  return typeof value === 'string' ? value : null;
}

/** Builds the HTTP server and Yoga. No side effects until `listen`. */
export function createServer(deps: ServerDeps): AppServer {
  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  const schema = getSchema();
  const versioningConfig = deps.config.versioning ?? defaultVersioningConfig;
  const viewers = createViewerLoader(deps.db, deps.tokens, {
    ttlMs: deps.config.viewerCacheTtlMs ?? DEFAULT_VIEWER_CACHE_TTL_MS,
    now: deps.now && (() => now().getTime()),
  });
  const versioning = createVersioning({
    config: versioningConfig,
    db: deps.db,
    logger: deps.logger,
    now,
    schemaDir: deps.schemaDir,
  });
  const yoga = createYoga<ServerContextInput, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // useRequestBodyLimit below caps bodies without a stream per request.
    maxRequestBodySize: false,
    // Our own /health and /ready (src/http/health.ts) replace Yoga's built-in check.
    healthCheckEndpoint: '/health/yoga',
    graphiql: deps.config.graphiql ? graphiqlOptions : false,
    renderGraphiQL,
    logging: {
      debug: (...args) => deps.logger.debug({ args }, 'yoga'),
      info: (...args) => deps.logger.info({ args }, 'yoga'),
      warn: (...args) => deps.logger.warn({ args }, 'yoga'),
      error: (...args) => deps.logger.error({ args }, 'yoga'),
    },
    // Errors are mapped to client errors by useErrorCodes; this masks whatever escapes it.
    maskedErrors: true,
    // HTTP requests (and SSE subscriptions) carry `request`; graphql-ws subscriptions carry the
    // upgrade request and the client's connection params (where the token travels).
    context: async (initial: ServerContextInput): Promise<Context> => {
      const header = (name: string) => initial.request?.headers.get(name) ?? null;
      const params = initial.connectionParams ?? {};
      const requestId = header('x-request-id') ?? randomUUID();
      const authorization =
        header('authorization') ?? stringParam(params, 'authorization') ?? stringParam(params, 'Authorization');
      return {
        db: deps.db,
        viewer: await viewers.load(authorization),
        now,
        tokens: deps.tokens,
        events: deps.events,
        pubsub: deps.pubsub,
        logger: deps.logger.child({ requestId }),
        viewers,
        requestId,
        client: {
          name: header('graphql-client-name') ?? stringParam(params, 'graphql-client-name'),
          version: header('graphql-client-version') ?? stringParam(params, 'graphql-client-version'),
        },
        versioning,
      };
    },
    plugins: [
      useHealthRoutes({
        startedAt,
        ready: async () => {
          const pending = await pendingMigrations(async () => {
            const rows = await deps.db.$queryRaw<{ migration_name: string }[]>`
              SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
            return rows.map((r) => r.migration_name);
          }, deps.migrationsDir);
          return pending.map((name) => `migration not applied: ${name}`);
        },
      }),
      useRequestBodyLimit(),
      // Query limits (graphql-armor): depth, aliases, directives, tokens and cost.
      EnvelopArmorPlugin({
        maxDepth: { n: 12 },
        maxAliases: { n: 20 },
        maxDirectives: { n: 20 },
        maxTokens: { n: 2000 },
        costLimit: { maxCost: 20000 },
        blockFieldSuggestion: { enabled: false },
      }),
      // Deprecated coordinates: usage per client, sunset policy, extensions and headers.
      useDeprecations({ registry: DeprecationRegistry.of(schema), versioning }),
      useErrorCodes(),
    ],
  });

  const http = createHttpServer(yoga);
  // graphql-ws on the same path: each subscription runs through Yoga's envelop (same plugins,
  // same context factory), authenticated by connection params.
  const wsServer = new WebSocketServer({ server: http, path: '/graphql' });
  const wsCleanup = useServer(
    {
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args),
      onSubscribe: async (ctx, _id, payload) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
          connectionParams: ctx.connectionParams,
        });
        const document = parse(payload.query);
        const errors = validate(schema, document);
        if (errors.length > 0) return errors;
        return {
          schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
      },
    },
    wsServer,
  );
  return {
    yoga,
    http,
    deprecationUsage: versioning.usage,
    listen(port, host) {
      versioning.usage.start(versioningConfig.usageFlushIntervalMs);
      return new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          const address = http.address() as AddressInfo;
          const shownHost = !host || host === '0.0.0.0' || host === '::' ? 'localhost' : host;
          resolve(`http://${shownHost}:${address.port}/graphql`);
        });
      });
    },
    async close() {
      await wsCleanup.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
      await new Promise<void>((resolve, reject) => {
        // Keep-alive sockets of requests in flight become idle when their response ends:
        // close them as they do, rather than waiting for the keep-alive timeout.
        const sweep = setInterval(() => http.closeIdleConnections(), 50);
        http.close((err) => {
          clearInterval(sweep);
          if (err) reject(err);
          else resolve();
        });
        http.closeIdleConnections();
      });
      // Requests have finished: write the usage they counted.
      await versioning.usage.stop().catch((err: unknown) => deps.logger.error({ err }, 'deprecated usage not written'));
    },
  };
}

import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { TokenService } from './auth/tokens.js';
import { createViewerLoader } from './auth/viewer-cache.js';
import {
  defaultHardening,
  defaultPlannerConfig,
  defaultTrustedDocumentsConfig,
  defaultVersioningConfig,
  DEFAULT_VIEWER_CACHE_TTL_MS,
  type Config,
} from './config.js';
import type { Context } from './context.js';
import type { Db } from './db/client.js';
import { appliedMigrationsProblems } from './db/migrate.js';
import type { LiveUpdates } from './events/live.js';
import { useRequestBodyLimit } from './http/body-limit.js';
import { useDeprecationNotes } from './http/deprecation-notes.js';
import { graphiqlOptions, renderGraphiQL } from './http/graphiql.js';
import { useHealthRoutes } from './http/health.js';
import { useRevenueCatWebhook } from './http/webhooks/revenuecat.js';
import type { Observability } from './observability/index.js';
import type { Logger } from './observability/logger.js';
import { useDeprecations } from './plugins/deprecations.js';
import { useErrorCodes } from './plugins/error-codes.js';
import { getSchema } from './schema/index.js';
import { useClientStatus } from './server/client-status.js';
import { createActivityTracker, type ActivityTracker } from './server/activity.js';
import { createContextFactory, type ServerContextInput } from './server/request-context.js';
import type { JobControl } from './resolvers/domain-context.js';
import { useInputHygiene } from './server/input-hygiene.js';
import { useOneErrorPerMessage, useQueryLimits } from './server/limits.js';
import { corsOptions, productionPlugins } from './server/production.js';
import { createRateLimits, useRateLimits } from './server/rate-limits.js';
import type { RedisConnections } from './server/redis.js';
import { useSessionBoundStreams } from './server/session-streams.js';
import { createPlannedExecution } from './server/planned-execution.js';
import { createTrustedDocuments, GRAPHIQL_CLIENT_NAME } from './server/trusted-documents.js';
import { attachGraphqlWs } from './server/ws.js';
import type { TrustedDocumentStore } from './versioning/document-store.js';
import type { PersistedQueryCache } from './versioning/persisted-queries.js';
import { DeprecationRegistry } from './versioning/registry.js';
import type { DeprecationUsageTracker } from './versioning/usage-tracker.js';
import { createVersioning } from './versioning/versioning.js';

export interface ServerDeps {
  /**
   * `versioning` left out: the defaults (warn past sunset, no client minimums);
   * `viewerCacheTtlMs` left out: the default of VIEWER_CACHE_TTL_MS;
   * `trustedDocuments` left out: `allow` (ids of published documents, or text).
   */
  config: Pick<Config, 'graphiql'> &
    Partial<
      Pick<
        Config,
        | 'versioning'
        | 'viewerCacheTtlMs'
        | 'trustedDocuments'
        | 'planner'
        | 'billing'
        | 'rateLimits'
        | 'trustProxy'
        | 'ws'
        | 'http'
        | 'introspection'
        | 'cors'
        | 'operatorToken'
        | 'production'
      >
    >;
  db: Db;
  logger: Logger;
  tokens: TokenService;
  events: { notify(): void };
  live: LiveUpdates;
  /** The scheduled jobs (runJob, jobRuns); default: none. */
  jobs?: JobControl;
  /** When set: rate limits are kept there, and /ready reports `degraded` while it is away. */
  redis?: RedisConnections | null;
  now?: () => Date;
  /** Folder of migrations that /ready checks against; defaults to prisma/migrations. */
  migrationsDir?: string;
  /** Folder with the schema releases and CHANGELOG.md that apiInfo reads; defaults to schema/. */
  schemaDir?: string;
  /** Metrics, spans, request logs, the error log (src/observability); left out: none of them. */
  observability?: Pick<Observability, 'plugins' | 'onUnexpectedError' | 'degradedReasons' | 'metrics'>;
}

export interface AppServer {
  yoga: YogaServerInstance<ServerContextInput, Context>;
  http: Server;
  /** Counts of deprecated coordinates per client, written in batches; `flush()` writes now. */
  deprecationUsage: Pick<DeprecationUsageTracker, 'flush'>;
  /** Published documents in memory (loaded by `listen`). */
  trustedDocuments: TrustedDocumentStore;
  /** Documents registered by automatic persisted queries (TRUSTED_DOCUMENTS=allow only, else null). */
  persistedQueries: PersistedQueryCache | null;
  /** Accounts seen active (analytics), written in batches; `flush()` writes now. */
  activity: Pick<ActivityTracker, 'flush'>;
  /** Listens and resolves with the URL of the GraphQL endpoint. */
  listen(port: number, host?: string): Promise<string>;
  /** Stops accepting, lets in-flight requests finish, closes idle keep-alive sockets. */
  close(): Promise<void>;
}

/** Builds the HTTP server, Yoga and graphql-ws. No side effects until `listen`. */
export function createServer(deps: ServerDeps): AppServer {
  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  const schema = getSchema();
  const versioningConfig = deps.config.versioning ?? defaultVersioningConfig;
  const obs = deps.observability;
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
    onDeprecatedUse: obs?.metrics?.deprecatedFieldUse,
  });
  const config = {
    ...defaultHardening,
    production: false,
    trustProxy: false,
    cors: { origins: null, credentials: false },
    ...deps.config,
  };
  const redis = deps.redis ?? null;
  const limits = config.rateLimits ? createRateLimits(config.rateLimits, redis) : null;
  const registry = DeprecationRegistry.of(schema);
  // Query documents are planned: published ones as they are loaded, text on first sight
  // (src/planner, docs/planned-execution.md).
  const planned = createPlannedExecution(schema, {
    ...(deps.config.planner ?? defaultPlannerConfig),
    onExecuted: obs?.metrics
      ? (name, path) => obs.metrics?.executions.inc({ operation: obs.metrics.operationLabel(name), path })
      : undefined,
  });
  const trusted = createTrustedDocuments({
    onLoad: (stored) => {
      planned.prepare(stored);
      obs?.metrics?.publishedOperation(stored.operationName);
    },
    config: deps.config.trustedDocuments ?? defaultTrustedDocumentsConfig,
    graphiql: deps.config.graphiql,
    db: deps.db,
    schema,
    viewers,
  });
  const activity = createActivityTracker({ db: deps.db, now, logger: deps.logger });
  const yoga = createYoga<ServerContextInput, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // useRequestBodyLimit below caps bodies without a stream per request.
    maxRequestBodySize: false,
    // Our own /health and /ready (src/http/health.ts) replace Yoga's built-in check.
    healthCheckEndpoint: '/health/yoga',
    graphiql: deps.config.graphiql
      ? // Lets GraphiQL send text under TRUSTED_DOCUMENTS=require (exempt: graphiql).
        { ...graphiqlOptions, additionalHeaders: { 'graphql-client-name': GRAPHIQL_CLIENT_NAME } }
      : false,
    // GraphiQL with its assets inlined: no request leaves the machine.
    renderGraphiQL,
    logging: {
      debug: (...args) => deps.logger.debug({ args }, 'yoga'),
      info: (...args) => deps.logger.info({ args }, 'yoga'),
      warn: (...args) => deps.logger.warn({ args }, 'yoga'),
      error: (...args) => deps.logger.error({ args }, 'yoga'),
    },
    // Errors are mapped to client errors by useErrorCodes; this masks whatever escapes it.
    maskedErrors: true,
    cors: corsOptions(config),
    context: createContextFactory({
      domain: {
        db: deps.db,
        now,
        tokens: deps.tokens,
        events: deps.events,
        live: deps.live,
        logger: deps.logger,
        viewers,
        jobs: deps.jobs ?? { names: () => [], run: async () => undefined },
      },
      viewers,
      versioning,
      trustedDocuments: trusted.store,
      trustProxy: config.trustProxy,
    }),
    plugins: [
      useHealthRoutes({
        startedAt,
        ready: () => appliedMigrationsProblems(deps.db, deps.migrationsDir),
        degraded: async () => [
          ...(redis && !redis.healthy() ? ['redis: unreachable (live updates reach this replica only)'] : []),
          ...((await obs?.degradedReasons()) ?? []),
        ],
        // Outside production the details are public unless an operator token is set.
        operatorToken: config.operatorToken ?? (config.production ? undefined : null),
      }),
      useDeprecationNotes({ registry, now }),
      useRevenueCatWebhook({ secret: deps.config.billing?.revenueCatWebhookSecret ?? null, context: { ...deps, now } }),
      useRequestBodyLimit(),
      ...productionPlugins({ production: config.production, introspection: config.introspection ?? true }),
      // TRUSTED_DOCUMENTS: documents by id, and whether text is accepted.
      trusted.plugin,
      useQueryLimits({ suggestions: config.introspection ?? true }),
      useOneErrorPerMessage(),
      // CLIENT_VERSIONS: outdated clients told (headers, extension), unsupported ones refused under reject.
      useClientStatus({ versioning }),
      useInputHygiene(),
      ...(limits ? [useRateLimits(limits)] : []),
      // Deprecated coordinates: usage per client, sunset policy, extensions and headers.
      useDeprecations({ registry, versioning }),
      useErrorCodes({ onUnexpected: obs?.onUnexpectedError }),
      activity.plugin,
      // Subscriptions over SSE end with their session (token expiry, suspension, deletion), as WebSocket ones do.
      useSessionBoundStreams({
        viewers,
        tokens: deps.tokens,
        recheckMs: config.ws.authRecheckMs,
        logger: deps.logger,
      }),
      // Query documents whose root fields all have an SQL plan run as one statement each (src/planner).
      planned.plugin,
      // Request id header, request log, metrics, /metrics, spans (after useErrorCodes: they see its codes).
      ...(obs?.plugins ?? []),
    ],
  });

  // A request that declares a body and sends nothing is dropped after requestTimeout (checked every second).
  const http = createHttpServer(
    {
      requestTimeout: config.http.requestTimeoutMs,
      headersTimeout: config.http.headersTimeoutMs,
      connectionsCheckingInterval: 1_000,
    },
    yoga,
  );
  const ws = attachGraphqlWs(http, yoga, trusted, {
    viewers,
    tokens: deps.tokens,
    limits,
    logger: deps.logger,
    trustProxy: config.trustProxy,
    settings: config.ws,
  });
  return {
    yoga,
    http,
    deprecationUsage: versioning.usage,
    trustedDocuments: trusted.store,
    persistedQueries: trusted.persistedQueries,
    activity,
    async listen(port, host) {
      versioning.usage.start(versioningConfig.usageFlushIntervalMs);
      activity.start();
      if (trusted.mode !== 'off') {
        // Not fatal: without the preload, each id is looked up on first use.
        await trusted.store.preload().then(
          (loaded) =>
            deps.logger.info(
              { documents: loaded, mode: trusted.mode, planned: planned.counts().planned },
              'trusted documents loaded',
            ),
          (err: unknown) => deps.logger.warn({ err }, 'trusted documents not preloaded; loading them on first use'),
        );
      }
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
      await ws.close();
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
      await activity.stop();
    },
  };
}

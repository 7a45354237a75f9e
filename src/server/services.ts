import { createIdTokenVerifier } from '../auth/id-tokens.js';
import type { TokenService } from '../auth/tokens.js';
import { createViewerLoader } from '../auth/viewer-cache.js';
import {
  defaultHardening,
  defaultPlannerConfig,
  defaultTrustedDocumentsConfig,
  defaultVersioningConfig,
  DEFAULT_VIEWER_CACHE_TTL_MS,
  type Config,
} from '../config.js';
import type { Db } from '../db/client.js';
import { appliedMigrationsProblems } from '../db/migrate.js';
import type { LiveUpdates } from '../events/live.js';
import { useRequestBodyLimit } from '../http/body-limit.js';
import { useDeprecationNotes } from '../http/deprecation-notes.js';
import { useCalendarFeed } from '../http/calendar-feed.js';
import { useHealthRoutes } from '../http/health.js';
import { useRevenueCatWebhook } from '../http/webhooks/revenuecat.js';
import type { Observability } from '../observability/index.js';
import type { Logger } from '../observability/logger.js';
import { useDeprecations } from '../plugins/deprecations.js';
import { useErrorCodes } from '../plugins/error-codes.js';
import { getSchema } from '../schema/index.js';
import { forgetAcrossReplicas } from './account-changes.js';
import { useClientStatus } from './client-status.js';
import { createActivityTracker } from './activity.js';
import type { JobControl } from '../resolvers/domain-context.js';
import { useInputHygiene } from './input-hygiene.js';
import { useOneErrorPerMessage, useQueryLimits } from './limits.js';
import { productionPlugins } from './production.js';
import { createRateLimits, useRateLimits } from './rate-limits.js';
import type { RedisConnections } from './redis.js';
import { useSessionBoundStreams } from './session-streams.js';
import { createPlannedExecution } from './planned-execution.js';
import { createTrustedDocuments } from './trusted-documents.js';
import { DeprecationRegistry } from '../versioning/registry.js';
import { createVersioning } from '../versioning/versioning.js';

/**
 * What createServer composes (src/server.ts): the services a server holds (the viewer loader,
 * versioning, rate limits, planned execution, trusted documents, activity tracking) and its Yoga
 * plugins in their order, built from ServerDeps.
 */

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
        | 'identityProviders'
        | 'publicUrl'
        | 'push'
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

/** The services of one server, built once by createServer. */
export type ServerServices = ReturnType<typeof createServices>;

export function createServices(deps: ServerDeps) {
  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  const schema = getSchema();
  const versioningConfig = deps.config.versioning ?? defaultVersioningConfig;
  const obs = deps.observability;
  // A change of an account or its sessions reaches every replica's cache through Redis.
  const viewers = forgetAcrossReplicas(
    createViewerLoader(deps.db, deps.tokens, {
      ttlMs: deps.config.viewerCacheTtlMs ?? DEFAULT_VIEWER_CACHE_TTL_MS,
      now: deps.now && (() => now().getTime()),
    }),
    deps.redis ?? null,
    deps.logger,
  );
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
  // Sign in with Apple / Google: the providers' key sets are cached here, one per server.
  const idTokens = deps.config.identityProviders
    ? createIdTokenVerifier({ providers: deps.config.identityProviders, now })
    : undefined;
  return {
    idTokens,
    now,
    startedAt,
    schema,
    config,
    viewers,
    versioning,
    versioningConfig,
    redis,
    limits,
    registry,
    planned,
    trusted,
    activity,
  };
}

/** The Yoga plugins, in order: what each one does is said beside it. */
export function serverPlugins(deps: ServerDeps, services: ServerServices) {
  const { now, startedAt, config, viewers, versioning, redis, limits, registry, planned, trusted, activity } = services;
  const obs = deps.observability;
  return [
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
    useRevenueCatWebhook({
      secret: deps.config.billing?.revenueCatWebhookSecret ?? null,
      signingKey: deps.config.billing?.revenueCatSigningKey ?? null,
      nonRenewingDays: deps.config.billing?.nonRenewingDays,
      context: { ...deps, now },
    }),
    // GET /calendar/<token>.ics (docs/calendar-feed.md): the token is the credential.
    useCalendarFeed({
      context: { db: deps.db, now, logger: deps.logger },
      limit: limits ? (tokenHash) => limits.calendarFeed(tokenHash) : null,
    }),
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
  ];
}

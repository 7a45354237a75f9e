import path from 'node:path';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { loadOrCreateDevSecret } from './auth/dev-secret.js';
import { createTokenService, type TokenService } from './auth/tokens.js';
import type { Config } from './config.js';
import { createPrisma, type Db } from './db/client.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './db/embedded.js';
import { applyMigrations } from './db/migrate.js';
import { describeDatabase, waitForDatabase } from './db/wait-for-database.js';
import { EventBus, type BusOptions } from './events/bus.js';
import { handlers as defaultHandlers, type HandlerDeps } from './events/handlers/index.js';
import type { LiveUpdates } from './events/live.js';
import { NotFoundError } from './errors.js';
import { deliverNotificationsJob } from './jobs/deliver-notifications.js';
import { digestJob } from './jobs/digest.js';
import { expireSubscriptionsJob } from './jobs/expire-subscriptions.js';
import { pruneErrorLogJob } from './jobs/prune-error-log.js';
import { pruneOutboxJob } from './jobs/prune-outbox.js';
import { pruneSyncLogJob } from './jobs/prune-sync-log.js';
import { purgeDeletedJob } from './jobs/purge-deleted.js';
import { remindersJob } from './jobs/reminders.js';
import { rollupAnalyticsJob } from './jobs/rollup-analytics.js';
import { JobScheduler } from './jobs/runner.js';
import { grantAdmin } from './resolvers/admin/grant-admin.js';
import { createSmtpMailer, MemoryMailer, smtpTimeoutsFor, type Mailer } from './mail/mailer.js';
import type { PushTransport } from './mail/push.js';
import { createPushTransport } from './mail/push/providers.js';
import { createObservability, type Observability } from './observability/index.js';
import type { Logger } from './observability/logger.js';
import { createServer, type AppServer, type ServerDeps } from './server.js';
import { createLiveUpdates } from './server/live-updates.js';
import { assertPortFree, assertWritableDir } from './startup.js';
import { connectRedis } from './server/redis.js';

/** What `buildApp` is given: the parsed config, a database, and what tests may replace. */
export interface AppDeps {
  config: Config;
  db: Db;
  logger: Logger;
  /** Default: SMTP when `config.mail.smtpUrl` is set, else a mailer that logs and keeps messages. */
  mailer?: Mailer;
  /**
   * Wraps the live-updates channel (in memory, or Redis with `config.redisUrl`): tests use it to
   * see when a subscriber attaches.
   */
  decorateLive?: (live: LiveUpdates) => LiveUpdates;
  /**
   * Default: APNs, FCM and Web Push as configured (config.push); with none, off in production and
   * a transport that logs and keeps what it would send elsewhere (docs/push.md).
   */
  push?: PushTransport;
  now?: () => Date;
  /** Default: every handler of src/events/handlers. */
  handlers?: BusOptions<HandlerDeps>['handlers'];
  /** Default: 1 s doubling, capped at 10 min. */
  backoffMs?: BusOptions<HandlerDeps>['backoffMs'];
  migrationsDir?: ServerDeps['migrationsDir'];
  schemaDir?: ServerDeps['schemaDir'];
  /** Record spans here (tests, bench) even without OTEL_EXPORTER_OTLP_ENDPOINT. */
  spanExporter?: SpanExporter;
}

/** The assembled application: server, bus, jobs. Nothing listens or runs until `start`. */
export interface App {
  server: AppServer;
  db: Db;
  bus: EventBus<HandlerDeps>;
  live: LiveUpdates;
  mailer: Mailer;
  push: PushTransport;
  tokens: TokenService;
  /** The scheduled jobs; `jobs.run(name)` runs one now (tests, admins' runJob). */
  jobs: JobScheduler;
  observability: Observability;
  /** Listens, starts the event bus and the scheduled jobs; resolves with the GraphQL URL. */
  start(): Promise<string>;
  /** Graceful stop: stop accepting, finish in-flight requests, jobs and events. The database stays open. */
  stop(): Promise<void>;
}

/** The one composition root: main.ts, the tests and the benchmarks build the app with it. */
export function buildApp(deps: AppDeps): App {
  const { config, db, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const mailer =
    deps.mailer ??
    (config.mail.smtpUrl
      ? createSmtpMailer(config.mail.smtpUrl, config.mail.from, smtpTimeoutsFor(config.eventHandlerTimeoutMs))
      : new MemoryMailer(logger));
  const tokens = createTokenService({
    ...config.jwt,
    accessTokenTtl: config.sessions.accessTokenTtl,
    refreshTokenTtl: config.sessions.refreshTokenTtl,
    now,
  });
  // Redis is optional at run time: a dead or lost Redis degrades (local fan-out, in-memory limits), never crashes.
  const redis = config.redisUrl ? connectRedis(config.redisUrl, logger) : null;
  const transport = createLiveUpdates(redis, logger);
  const live = deps.decorateLive ? deps.decorateLive(transport) : transport;
  const observability = createObservability({ config, db, logger, now, spanExporter: deps.spanExporter });
  const bus = new EventBus<HandlerDeps>({
    db,
    logger: logger.child({ component: 'event-bus' }),
    handlers: deps.handlers ?? defaultHandlers,
    // The notify-task-change handler writes notification.created events: it asks for another cycle.
    deps: {
      mailer,
      live,
      adminEmails: config.adminEmails,
      passwordResetUrl: config.sessions.passwordResetUrl,
      emailVerification: config.emailVerification,
      events: { notify: () => bus.notify() },
    },
    maxAttempts: config.events.maxAttempts,
    pollIntervalMs: config.events.pollIntervalMs,
    now: deps.now,
    backoffMs: deps.backoffMs,
    instrument: observability.deliveries,
    handlerTimeoutMs: config.eventHandlerTimeoutMs,
  });
  const push: PushTransport =
    deps.push ?? createPushTransport(config.push, { production: config.env === 'production', logger });
  // Push: which providers are on, in one start-up line (a warning when push is off).
  if (push.mode === 'off') logger.warn(push.describe());
  else if (!deps.push) logger.info(push.describe());
  // Every scheduled job: adding one is one entry here (its cron expression defaults in the job,
  // and JOB_SCHEDULES may replace it by name).
  const jobs = new JobScheduler({
    db,
    logger: logger.child({ component: 'jobs' }),
    now,
    schedules: config.jobs.schedules,
    // A run may record events (reminders, digest): dispatch them now rather than at the next poll.
    afterRun: () => bus.notify(),
    onRun: observability.onJobRun,
    jobs: [
      remindersJob(),
      digestJob(),
      deliverNotificationsJob({ mailer, push }),
      pruneOutboxJob({ retentionDays: config.events.retentionDays }),
      purgeDeletedJob({ retentionDays: config.purge.retentionDays }),
      pruneSyncLogJob({ retentionDays: config.sync.retentionDays }),
      pruneErrorLogJob({ retentionDays: config.errorLog.retentionDays }),
      expireSubscriptionsJob({ graceMs: config.billing.expiryGraceMs }),
      rollupAnalyticsJob(),
    ],
  });
  const server = createServer({
    config,
    db,
    logger,
    tokens,
    events: bus,
    live,
    jobs,
    redis,
    now: deps.now,
    migrationsDir: deps.migrationsDir,
    schemaDir: deps.schemaDir,
    observability,
  });
  let started = false;
  let stopping: Promise<void> | null = null;
  return {
    server,
    db,
    bus,
    live,
    mailer,
    push,
    tokens,
    jobs,
    observability,
    async start() {
      // ADMIN_EMAILS: existing accounts become admins now, new ones at sign-up (a handler).
      for (const email of config.adminEmails) {
        await grantAdmin({ db, now }, { email, source: 'config' }).catch((err: unknown) => {
          if (!(err instanceof NotFoundError)) throw err;
        });
      }
      const url = await server.listen(config.port, config.host);
      const { metricsUrl } = await observability.start(config.host);
      if (metricsUrl) logger.info({ metricsUrl }, 'metrics served on their own port');
      else if (!observability.metrics)
        logger.warn('metrics are off: set METRICS_TOKEN or METRICS_PORT to serve /metrics');
      bus.start();
      jobs.start();
      started = true;
      return url;
    },
    stop() {
      stopping ??= (async () => {
        if (server.http.listening) await server.close();
        if (started) await jobs.stop();
        await bus.stop();
        await observability.stop();
        await push.close?.();
        await redis?.close();
      })();
      return stopping;
    },
  };
}

export interface RunningApp extends App {
  url: string;
}

/** Starts everything main.ts runs: database (embedded or not), migrations, then the app. */
export async function startApp(config: Config, logger: Logger, options: { mailer?: Mailer } = {}): Promise<RunningApp> {
  // Cheap checks first: a taken port or an unwritable data directory fails in one line, before
  // the database starts.
  await assertPortFree(config.port, config.host);
  if (config.metrics.port !== null && config.metrics.port !== config.port) {
    await assertPortFree(config.metrics.port, config.host, 'METRICS_PORT');
  }
  const devSecret = config.jwt.generated && config.env === 'development';
  if (!config.databaseUrl || devSecret) await assertWritableDir(config.dataDir, 'data directory');

  let jwt = config.jwt;
  if (devSecret) {
    const kept = await loadOrCreateDevSecret(config.dataDir);
    jwt = { ...config.jwt, secret: kept.secret };
    logger.info(
      { file: kept.file },
      `JWT_SECRET is not set: using the development secret in ${kept.file} (${kept.created ? 'created now' : 'kept from an earlier run'})`,
    );
  } else if (config.jwt.generated) {
    logger.warn('JWT_SECRET is not set: using a random secret for this run (tokens stop working on restart)');
  }
  if (config.env === 'production' && config.mail.transport === 'log') {
    logger.warn('MAIL_TRANSPORT=log in production: no mail is sent (welcome emails, notifications are only logged)');
  }
  let embedded: EmbeddedPostgres | null = null;
  let url = config.databaseUrl;
  if (!url) {
    const dir = path.resolve(config.embeddedDbDir);
    await assertWritableDir(dir, 'embedded database directory');
    logger.info({ dir }, `DATABASE_URL is not set: starting the embedded PostgreSQL in ${dir}`);
    embedded = await startEmbeddedPostgres(dir);
    url = embedded.url;
    logger.info({ url }, `embedded PostgreSQL ready at ${url} (psql can connect while the server runs)`);
  } else {
    logger.info(`connecting to the database at ${describeDatabase(url)}`);
    await waitForDatabase(url, {
      timeoutMs: config.databaseConnectTimeoutMs,
      onRetry: (reason, delayMs) =>
        logger.warn(
          `database ${describeDatabase(url!)} not reachable (${reason}); retrying in ${(delayMs / 1000).toFixed(1)} s`,
        ),
    });
  }
  try {
    const applied = await applyMigrations(url, { log: (m) => logger.info(m) });
    logger.info(
      { applied: applied.length },
      applied.length
        ? `migrations: applied ${applied.length}, schema up to date`
        : 'migrations: none pending, schema up to date',
    );
  } catch (err) {
    await embedded?.stop();
    throw err;
  }

  // The embedded server multiplexes every connection onto one session: use exactly one.
  const db = createPrisma({
    url,
    poolSize: embedded ? 1 : config.databasePoolSize,
    preparedStatements: !embedded && config.databasePreparedStatements,
    timeouts: config.database,
  });
  const app = buildApp({ config: { ...config, jwt }, db, logger, mailer: options.mailer });
  const listenUrl = await app.start();
  return {
    ...app,
    url: listenUrl,
    async stop() {
      await app.stop();
      await db.$disconnect();
      await embedded?.stop();
    },
  };
}

import { createTokenService, type TokenService } from './auth/tokens.js';
import type { Config } from './config.js';
import { createPrisma, type Db } from './db/client.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './db/embedded.js';
import { applyMigrations } from './db/migrate.js';
import { EventBus, type BusOptions } from './events/bus.js';
import { handlers as defaultHandlers, type HandlerDeps } from './events/handlers/index.js';
import type { LiveUpdates } from './events/live.js';
import { pruneOutboxJob } from './jobs/prune-outbox.js';
import { purgeDeletedJob } from './jobs/purge-deleted.js';
import { startJobs } from './jobs/runner.js';
import { createSmtpMailer, MemoryMailer, type Mailer } from './mail/mailer.js';
import type { Logger } from './observability/logger.js';
import { createServer, type AppServer, type ServerDeps } from './server.js';
import { createLiveUpdates } from './server/live-updates.js';
import { connectRedis } from './server/redis.js';

/** What `buildApp` is given: the parsed config, a database, and what tests may replace. */
export interface AppDeps {
  config: Config;
  db: Db;
  logger: Logger;
  /** Default: SMTP when `config.mail.smtpUrl` is set, else a mailer that logs and keeps messages. */
  mailer?: Mailer;
  now?: () => Date;
  /** Default: every handler of src/events/handlers. */
  handlers?: BusOptions<HandlerDeps>['handlers'];
  /** Default: 1 s doubling, capped at 10 min. */
  backoffMs?: BusOptions<HandlerDeps>['backoffMs'];
  migrationsDir?: ServerDeps['migrationsDir'];
  schemaDir?: ServerDeps['schemaDir'];
}

/** The assembled application: server, bus, jobs. Nothing listens or runs until `start`. */
export interface App {
  server: AppServer;
  db: Db;
  bus: EventBus<HandlerDeps>;
  live: LiveUpdates;
  mailer: Mailer;
  tokens: TokenService;
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
    (config.mail.smtpUrl ? createSmtpMailer(config.mail.smtpUrl, config.mail.from) : new MemoryMailer(logger));
  const tokens = createTokenService({ ...config.jwt, now });
  // Redis is optional at run time: a dead or lost Redis degrades (local fan-out, in-memory limits), never crashes.
  const redis = config.redisUrl ? connectRedis(config.redisUrl, logger) : null;
  const live = createLiveUpdates(redis, logger);
  const bus = new EventBus<HandlerDeps>({
    db,
    logger: logger.child({ component: 'event-bus' }),
    handlers: deps.handlers ?? defaultHandlers,
    deps: { mailer, live },
    maxAttempts: config.events.maxAttempts,
    pollIntervalMs: config.events.pollIntervalMs,
    now: deps.now,
    backoffMs: deps.backoffMs,
    handlerTimeoutMs: config.eventHandlerTimeoutMs,
  });
  const server = createServer({
    config,
    db,
    logger,
    tokens,
    events: bus,
    live,
    redis,
    now: deps.now,
    migrationsDir: deps.migrationsDir,
    schemaDir: deps.schemaDir,
  });
  let jobs: { stop(): Promise<void> } | null = null;
  let stopping: Promise<void> | null = null;
  return {
    server,
    db,
    bus,
    live,
    mailer,
    tokens,
    async start() {
      const url = await server.listen(config.port, config.host);
      bus.start();
      jobs = startJobs({
        db,
        logger: logger.child({ component: 'jobs' }),
        now,
        jobs: [
          pruneOutboxJob({ retentionDays: config.events.retentionDays, everyMs: config.events.pruneIntervalMs }),
          purgeDeletedJob({ retentionDays: config.purge.retentionDays, everyMs: config.purge.intervalMs }),
        ],
      });
      return url;
    },
    stop() {
      stopping ??= (async () => {
        if (server.http.listening) await server.close();
        await jobs?.stop();
        await bus.stop();
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
  if (config.jwt.generated) {
    logger.warn('JWT_SECRET is not set: using a random secret for this run (tokens stop working on restart)');
  }
  if (config.env === 'production' && config.mail.transport === 'log') {
    logger.warn('MAIL_TRANSPORT=log in production: no mail is sent (welcome emails, notifications are only logged)');
  }
  let embedded: EmbeddedPostgres | null = null;
  let url = config.databaseUrl;
  if (!url) {
    logger.info({ dir: config.embeddedDbDir }, 'DATABASE_URL is not set: starting the embedded PostgreSQL');
    embedded = await startEmbeddedPostgres(config.embeddedDbDir);
    url = embedded.url;
  }
  try {
    const applied = await applyMigrations(url, { log: (m) => logger.info(m) });
    logger.info({ applied: applied.length }, 'database schema is up to date');
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
  const app = buildApp({ config, db, logger, mailer: options.mailer });
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

import path from 'node:path';
import { loadOrCreateDevSecret } from './auth/dev-secret.js';
import { createTokenService } from './auth/tokens.js';
import type { Config } from './config.js';
import { createPrisma, type Db } from './db/client.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './db/embedded.js';
import { applyMigrations } from './db/migrate.js';
import { describeDatabase, waitForDatabase } from './db/wait-for-database.js';
import { EventBus } from './events/bus.js';
import { handlers, type HandlerDeps } from './events/handlers/index.js';
import { createTaskPubSub } from './events/pubsub.js';
import { pruneOutboxJob } from './jobs/prune-outbox.js';
import { purgeDeletedJob } from './jobs/purge-deleted.js';
import { startJobs } from './jobs/runner.js';
import { createSmtpMailer, MemoryMailer, type Mailer } from './mail/mailer.js';
import type { Logger } from './observability/logger.js';
import { createServer, type AppServer } from './server.js';
import { assertPortFree, assertWritableDir } from './startup.js';

export interface RunningApp {
  url: string;
  server: AppServer;
  db: Db;
  bus: EventBus<HandlerDeps>;
  mailer: Mailer;
  /** Graceful stop: stop accepting, finish in-flight requests and events, close the database. */
  stop(): Promise<void>;
}

/** Starts everything main.ts runs: database (embedded or not), migrations, bus, HTTP server. */
export async function startApp(config: Config, logger: Logger, options: { mailer?: Mailer } = {}): Promise<RunningApp> {
  // Cheap checks first: a taken port or an unwritable data directory fails in one line, before
  // the database starts.
  await assertPortFree(config.port, config.host);
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
  });
  const mailer =
    options.mailer ??
    (config.mail.smtpUrl ? createSmtpMailer(config.mail.smtpUrl, config.mail.from) : new MemoryMailer(logger));
  const { pubsub, close: closePubSub } = createTaskPubSub(config.redisUrl);
  const bus = new EventBus<HandlerDeps>({
    db,
    logger: logger.child({ component: 'event-bus' }),
    handlers,
    deps: { mailer, pubsub },
    maxAttempts: config.events.maxAttempts,
    pollIntervalMs: config.events.pollIntervalMs,
  });
  const server = createServer({
    config,
    db,
    logger,
    tokens: createTokenService(jwt),
    events: bus,
    pubsub,
  });
  const listenUrl = await server.listen(config.port, config.host);
  bus.start();
  const jobs = startJobs({
    db,
    logger: logger.child({ component: 'jobs' }),
    jobs: [
      pruneOutboxJob({ retentionDays: config.events.retentionDays, everyMs: config.events.pruneIntervalMs }),
      purgeDeletedJob({ retentionDays: config.purge.retentionDays, everyMs: config.purge.intervalMs }),
    ],
  });

  let stopping: Promise<void> | null = null;
  return {
    url: listenUrl,
    server,
    db,
    bus,
    mailer,
    stop() {
      stopping ??= (async () => {
        await server.close();
        await jobs.stop();
        await bus.stop();
        await closePubSub();
        await db.$disconnect();
        await embedded?.stop();
      })();
      return stopping;
    },
  };
}

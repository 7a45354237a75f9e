import { startApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './observability/logger.js';
import { StartupError } from './errors.js';

let config: Config;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (err instanceof ConfigError) {
    for (const problem of err.problems) console.error(`config error: ${problem}`);
    process.exit(1);
  }
  throw err;
}

const logger = createLogger(config.logLevel, {}, { pretty: config.env === 'development' });
const app = await startApp(config, logger).catch((err: unknown) => {
  // What the operator can act on is one line; anything else keeps its stack.
  if (err instanceof StartupError) logger.fatal(`start-up failed: ${err.message}`);
  else logger.fatal({ err }, 'start-up failed');
  process.exit(1);
});
logger.info({ url: app.url }, `study-planner-api listening on ${app.url}`);
if (config.graphiql) logger.info(`GraphiQL: open ${app.url} in a browser`);

let shuttingDown = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('graceful shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    app.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  });
}

import { parseArgs } from 'node:util';
import type { Config } from './config.js';
import { StartupError } from './errors.js';
import { createLogger, prettyLogs } from './observability/logger.js';

const USAGE = `Usage: npm start   (node dist/main.js; npm run dev serves from source)
Serves the GraphQL API. Takes no arguments: environment variables configure it (docs/configuration.md).`;
let help = false;
try {
  help = parseArgs({ options: { help: { type: 'boolean', short: 'h' } } }).values.help === true;
} catch (err) {
  console.error(`${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (help) {
  console.log(USAGE);
  process.exit(0);
}
// Loaded after the arguments are read, so that --help answers at once.
const { startApp } = await import('./app.js');
const { ConfigError, loadConfig } = await import('./config.js');

// Readable lines for a person at a terminal; JSON lines wherever stdout goes elsewhere.
const pretty = (env: string | undefined) => prettyLogs(env, process.stdout.isTTY === true);

let config: Config;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (err instanceof ConfigError) {
    // One line per bad variable, each naming it.
    const logger = createLogger('info', {}, { pretty: pretty(process.env.NODE_ENV) });
    for (const problem of err.problems) logger.fatal(`start-up failed: configuration: ${problem}`);
    process.exit(1);
  }
  throw err;
}

const logger = createLogger(config.logLevel, {}, { pretty: pretty(config.env) });
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

import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
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
// V8 lets the old generation grow to several times what survived the last full GC before it
// collects again: under the bench's read load that was 100-260 MB of old space for a live set of
// ~50 MB (after a full GC the heap is what it was after start-up: nothing leaks). Growing by half
// of it keeps the peak RSS there at 220-250 MB (with --max-semi-space-size=16, as npm start runs
// it), against 390-590 MB, for more major GCs and a few % more CPU (bench/README.md#memory).
// Read at every GC, so it can be set here; the young generation's size cannot: see package.json.
setFlagsFromString('--heap-growing-percent=50');
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

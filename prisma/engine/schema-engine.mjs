#!/usr/bin/env node
// Schema-engine bridge: stands in for Prisma's native `schema-engine` binary, which the Prisma 7
// CLI cannot download on this machine. The CLI runs it (PRISMA_SCHEMA_ENGINE_BINARY, set in
// prisma.config.ts) the way it runs the native engine:
//
//   schema-engine --version
//   schema-engine --datasource '{"url":…}' cli can-connect-to-database | create-database
//   schema-engine [--datamodels <schema file>]… [--datasource '{"url":…,"shadowDatabaseUrl":…}']
//       → JSON-RPC over stdin/stdout until stdin closes
//
// and forwards each call to the wasm build of the same engine (@prisma/schema-engine-wasm) running
// on @prisma/adapter-pg. See README.md in this folder.
import fs from 'node:fs';
import path from 'node:path';
import { BridgeAdapterFactory, canConnect, createDatabase } from './adapter.mjs';
import { parseDatasourceUrl } from './datasource.mjs';
import { Engine, wasmPackageVersion } from './engine.mjs';
import { log } from './log.mjs';
import { serveStdio } from './rpc.mjs';

// The CLI may be gone when we write our last lines: ignore broken pipes.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

const args = parseArgs(process.argv.slice(2));

if (args.version) {
  const version = wasmPackageVersion();
  process.stdout.write(
    `schema-engine-cli ${version.split('.').at(-1)} (wasm bridge: @prisma/schema-engine-wasm ${version})\n`,
  );
  process.exit(0);
}

if (args.cli) {
  await runCliCommand(args);
} else {
  await serve(args);
}

function parseArgs(argv) {
  const out = { datamodels: [], datasource: undefined, cli: undefined, version: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    switch (arg) {
      case '--version':
      case '-V':
        out.version = true;
        break;
      case '--datamodels':
      case '-d':
        out.datamodels.push(argv[++i]);
        break;
      case '--datasource':
        out.datasource = JSON.parse(argv[++i]);
        break;
      case '--enabled-preview-features': // the engine reads them from the schema (see engine.mjs, trap 4)
      case '--extension-types':
        i++;
        break;
      case 'cli':
        out.cli = argv.slice(i + 1);
        i = argv.length;
        break;
      default:
        // Tolerate flags of newer CLIs rather than failing every command.
        log('WARN', `schema-engine bridge: ignoring unknown argument ${arg}`);
    }
  }
  return out;
}

/** `cli <command>`: a one-shot process. Errors go to stderr as the CLI expects: it skips the first
 * line, then looks for {level:"ERROR", target:"schema_engine::logger", fields:{error_code, message}}. */
async function runCliCommand({ cli, datasource }) {
  const [command] = cli;
  log('INFO', `Starting schema engine bridge CLI (${command})`);
  try {
    if (!datasource?.url) throw new Error('The --datasource argument with a url is required.');
    const info = parseDatasourceUrl(datasource.url);
    if (command === 'can-connect-to-database') {
      await canConnect(info);
    } else if (command === 'create-database') {
      const name = await createDatabase(info);
      log('INFO', `Database '${name}' was successfully created.`);
    } else {
      throw new Error(`Unknown cli command: ${command}`);
    }
    process.exitCode = 0;
  } catch (err) {
    const fields = { is_panic: false, message: String(err?.message ?? err) };
    if (err?.code && /^P\d{4}$/.test(err.code)) fields.error_code = err.code;
    process.stderr.write(
      `${JSON.stringify({ timestamp: new Date().toISOString(), level: 'ERROR', fields, target: 'schema_engine::logger' })}\n`,
    );
    process.exitCode = 1;
  }
}

async function serve({ datamodels, datasource }) {
  const schemaFiles = datamodels.map((file) => [file, fs.readFileSync(path.resolve(file), 'utf8')]);
  let mainInfo;
  let shadowInfo;
  let setupError;
  try {
    if (datasource?.url) mainInfo = parseDatasourceUrl(datasource.url);
    if (datasource?.shadowDatabaseUrl) shadowInfo = parseDatasourceUrl(datasource.shadowDatabaseUrl);
  } catch (err) {
    setupError = err;
  }
  // Without a datasource URL (`migrate diff` between files only) no query may reach a database.
  const factory = mainInfo ? new BridgeAdapterFactory({ main: mainInfo, shadow: shadowInfo }) : noDatabaseFactory();

  let shuttingDown = false;
  const shutdown = async (code) => {
    if (shuttingDown) return;
    shuttingDown = true;
    setTimeout(() => process.exit(code), 5000).unref(); // never hang on a dead server
    try {
      await factory.close();
    } catch (err) {
      log('WARN', `schema-engine bridge: cleanup failed: ${err.message}`);
    }
    process.exit(code);
  };

  let engine;
  const rpc = serveStdio(
    async (method, params) => {
      if (setupError) throw setupError;
      try {
        return await engine.handle(method, params);
      } catch (err) {
        // After a panic the wasm instance is unusable; the native engine dies too (exit 101).
        if (err?.name === 'RuntimeError') setImmediate(() => void shutdown(101));
        throw err;
      }
    },
    { onClose: () => void shutdown(0) },
  );
  engine = new Engine({ schemaFiles, factory, mainInfo, rpc });

  process.on('uncaughtException', (err) => {
    if (engine.failCurrentRequest(err)) return; // trap 7, see engine.mjs
    log('ERROR', `schema-engine bridge crashed: ${err?.stack ?? err}`);
    void shutdown(1);
  });
  process.on('unhandledRejection', (err) => {
    if (engine.failCurrentRequest(err)) return;
    log('ERROR', `schema-engine bridge: unhandled rejection: ${err?.stack ?? err}`);
  });
  // The CLI's stop() closes stdin and then sends SIGTERM right away: clean up (shadow databases,
  // connections) before exiting.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => void shutdown(0));
}

/**
 * An adapter factory for when the CLI passed no datasource (`migrate diff` between schema files):
 * the engine's connection probe gets a canned answer, every other query fails with a clear error.
 */
function noDatabaseFactory() {
  const fail = async () => {
    throw new Error(
      'This command needs a database connection, but no datasource URL was configured (set datasource.url in prisma.config.ts, e.g. through DATABASE_URL).',
    );
  };
  const queryRaw = async (query) => {
    // SELECT EXISTS(... pg_namespace ...), version(), current_setting('server_version_num')::integer
    if (/version\(\)/.test(query.sql) && /server_version_num/.test(query.sql)) {
      return {
        columnNames: ['exists', 'version', 'numeric_version'],
        columnTypes: [5 /* Boolean */, 7 /* Text */, 0 /* Int32 */],
        rows: [[true, 'PostgreSQL 16.0 (no database: schema-engine bridge)', 160000]],
      };
    }
    return fail();
  };
  const adapter = {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    queryRaw,
    executeRaw: fail,
    executeScript: fail,
    startTransaction: fail,
    dispose: async () => {},
    getConnectionInfo: () => ({ supportsRelationJoins: true }),
  };
  return {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    lastScriptError: undefined,
    connect: async () => adapter,
    connectToShadowDb: fail,
    dropShadowDatabases: async () => {},
    close: async () => {},
  };
}

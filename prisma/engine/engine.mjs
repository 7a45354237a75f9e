// The wasm schema engine (npm: @prisma/schema-engine-wasm) and the mapping from the CLI's RPC
// methods to its methods.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as wasmBindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import { createDatabase } from './adapter.mjs';
import { parseDatasourceUrl } from './datasource.mjs';
import { connectionError, isPanic, migrationFailedError } from './errors.mjs';
import { log, trace } from './log.mjs';

const require = createRequire(import.meta.url);
const bindingsPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');

/** e.g. "7.10.0-4.0edf323efd1d98336f3f0a68684b56f689b900d3" (read without loading the wasm). */
export function wasmPackageVersion() {
  return JSON.parse(fs.readFileSync(path.join(path.dirname(bindingsPath), 'package.json'), 'utf8')).version;
}

let wasmLoaded;
function loadWasm() {
  wasmLoaded ??= (async () => {
    // Trap 6: the engine's panic hook calls globalThis.PRISMA_WASM_PANIC_REGISTRY.set_message();
    // without it a panic becomes a TypeError and its message is lost.
    globalThis.PRISMA_WASM_PANIC_REGISTRY ??= {
      message: '',
      get() {
        return this.message;
      },
      set_message(message) {
        this.message = `RuntimeError: ${message}`;
      },
    };
    const bytes = await fs.promises.readFile(bindingsPath.replace(/\.js$/, '.wasm'));
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': wasmBindings });
    wasmBindings.__wbg_set_wasm(instance.exports);
    instance.exports.__wbindgen_start();
  })();
  return wasmLoaded;
}

/** RPC methods forwarded as they are (the wasm SchemaEngine's own names). */
const FORWARDED = new Set([
  'applyMigrations',
  'createMigration',
  'dbExecute',
  'devDiagnostic',
  'diagnoseMigrationHistory',
  'ensureConnectionValidity',
  'evaluateDataLoss',
  'introspect',
  'introspectSql',
  'markMigrationApplied',
  'markMigrationRolledBack',
  'reset',
  'schemaPush',
]);
/** Methods that describe no schema: they need no preview features (trap 4). */
const NO_DESCRIBE = new Set([
  'getDatabaseVersion',
  'dbExecute',
  'createDatabase',
  'ensureConnectionValidity',
  'debugPanic',
]);
const NO_FILTERS = { externalTables: [], externalEnums: [] };

export class Engine {
  #schemaFiles;
  #factory;
  #boundFactory;
  #mainInfo;
  #rpc;
  #engine;
  #poisoned = false;
  #previewFeaturesApplied = false;
  #pendingReject;
  #method;
  #applying;
  #prints = [];

  /**
   * @param {object} options
   * @param {[string, string][]} options.schemaFiles [path, content] of the --datamodels files
   * @param {import('./adapter.mjs').BridgeAdapterFactory} options.factory
   * @param {object | undefined} options.mainInfo the parsed datasource URL
   * @param {{request(method: string, params: object): Promise<unknown>}} options.rpc
   */
  constructor({ schemaFiles, factory, mainInfo, rpc }) {
    this.#schemaFiles = schemaFiles;
    this.#factory = factory;
    this.#boundFactory = bindMigrationAwareSqlAdapterFactory(factory);
    this.#mainInfo = mainInfo;
    this.#rpc = rpc;
  }

  /** Answers one RPC request. */
  async handle(method, params) {
    this.#method = method;
    this.#applying = undefined;
    this.#factory.lastScriptError = undefined;
    this.#factory.lastConnectionError = undefined;
    try {
      return await this.#dispatch(method, params);
    } catch (err) {
      throw this.#translate(method, err);
    } finally {
      await Promise.allSettled(this.#prints.splice(0));
      // A shadow database must never outlive the request that created it.
      await this.#factory.dropShadowDatabases();
      this.#method = undefined;
    }
  }

  /**
   * Trap 7: a request whose params do not deserialize makes the wasm engine throw from a
   * microtask, outside the promise it returned: the bridge catches it as an uncaught exception and
   * fails the current request with it. The SchemaEngine object stays borrowed afterwards ("recursive
   * use of an object detected"), so the next request gets a fresh one.
   * @returns {boolean} whether the error belonged to a request
   */
  failCurrentRequest(err) {
    if (!this.#pendingReject) return false;
    this.#pendingReject(err);
    return true;
  }

  async #dispatch(method, params) {
    switch (method) {
      case 'getDatabaseVersion': // the CLI's name; the wasm engine's method is `version`
        return this.#call((engine) => engine.version());
      case 'diff': {
        await this.#applyPreviewFeatures(diffSchemaFiles(params) ?? this.#schemaFiles);
        const { exitCode, stdout } = await this.#call((engine) => engine.diff(params));
        // The native engine prints the diff through the CLI: a `print` request the CLI answers.
        if (stdout) await this.#rpc.request('print', { content: stdout });
        return { exitCode };
      }
      case 'createDatabase': {
        const url = params?.datasource?.tag === 'ConnectionString' ? params.datasource.url : this.#mainInfo?.url;
        if (!url) throw new Error('createDatabase needs a datasource URL.');
        return { databaseName: await createDatabase(parseDatasourceUrl(url)) };
      }
      case 'debugPanic':
        return this.#call((engine) => engine.debugPanic());
      default:
        if (!FORWARDED.has(method)) {
          const err = new Error(`The wasm schema-engine bridge does not implement the RPC method \`${method}\`.`);
          err.rpcCode = -32601;
          throw err;
        }
        if (!NO_DESCRIBE.has(method)) await this.#applyPreviewFeatures(this.#schemaFiles);
        // Trap 8: evaluateDataLoss and createMigration use state that devDiagnostic left in this
        // SchemaEngine object (the CLI always calls devDiagnostic first): keep one object per process.
        return this.#call((engine) => engine[method](params));
    }
  }

  /**
   * Trap 4: SchemaEngine.new() ignores the schema's previewFeatures, so the describer drops partial
   * index predicates (`partialIndexes`) and every `migrate dev` would re-create those indexes.
   * A read-only diff from the schema's datasource applies the schema's preview features to the
   * connector; do it once, before the first call that describes a database.
   */
  async #applyPreviewFeatures(files) {
    if (this.#previewFeaturesApplied || !files?.length || !this.#mainInfo) return;
    this.#previewFeaturesApplied = true;
    const params = {
      from: {
        tag: 'schemaDatasource',
        files: files.map(([p, content]) => ({ path: p, content })),
        configDir: process.cwd(),
      },
      to: { tag: 'empty' },
      script: false,
      exitCode: null,
      filters: NO_FILTERS,
    };
    try {
      await this.#call((engine) => engine.diff(params));
    } catch (err) {
      // e.g. the database does not exist yet: the real request will report it.
      trace('preview-features diff failed:', this.#externalError(err)?.message ?? err.message);
      if (isPanic(err)) throw err;
      this.#factory.lastConnectionError = undefined; // the real request reports its own failure
    }
  }

  async #instance() {
    if (this.#engine && !this.#poisoned) return this.#engine;
    await loadWasm();
    if (this.#engine) {
      try {
        this.#engine.free();
      } catch {
        // still borrowed by the failed call
      }
      this.#previewFeaturesApplied = false;
    }
    this.#poisoned = false;
    this.#engine = undefined;
    // Trap 5: `datamodels: []` panics; no schema file means `undefined`.
    const datamodels = this.#schemaFiles.length ? this.#schemaFiles : undefined;
    this.#engine = await this.#guard(() =>
      wasmBindings.SchemaEngine.new({ datamodels }, (line) => this.#onLog(line), this.#boundFactory),
    );
    return this.#engine;
  }

  async #call(fn) {
    const engine = await this.#instance();
    return this.#guard(() => fn(engine));
  }

  #guard(fn) {
    return new Promise((resolve, reject) => {
      this.#pendingReject = (err) => {
        this.#poisoned = true;
        reject(err);
      };
      try {
        Promise.resolve(fn()).then(resolve, reject);
      } catch (err) {
        // Thrown synchronously (bad parameters, panics): the object may be left borrowed.
        this.#poisoned = true;
        reject(err);
      }
    }).finally(() => {
      this.#pendingReject = undefined;
    });
  }

  #onLog(line) {
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      return;
    }
    const message = entry?.fields?.message;
    // applyMigrations logs "Applying `<name>`" before each script. The native engine prints
    // "Applying migration `<name>`" through the CLI there; and the name is needed for P3018.
    const applying = this.#method === 'applyMigrations' && /^Applying `(.+)`$/s.exec(message ?? '');
    if (applying) {
      this.#applying = applying[1];
      this.#prints.push(
        this.#rpc.request('print', { content: `Applying migration \`${applying[1]}\`\n` }).catch(() => {}),
      );
    }
    if (['ERROR', 'WARN', 'INFO'].includes(entry.level)) process.stderr.write(`${line}\n`);
  }

  #externalError(err) {
    const external = /External error id#(\d+)/.exec(String(err?.message ?? ''));
    if (!external) return undefined;
    const id = Number(external[1]);
    const entry = this.#boundFactory.errorRegistry.consumeError(id);
    // consumeError() does not free the slot
    if (entry) delete this.#boundFactory.errorRegistry.registeredErrors[id];
    return entry?.error;
  }

  /** Gives failed migration scripts the P3018 error the native engine reports. */
  #translate(method, err) {
    // Errors thrown by the adapter that are not DriverAdapterErrors reach us as "External error
    // id#N", their original kept in the factory's error registry.
    const original = this.#externalError(err);
    if (original) {
      err = (this.#mainInfo && connectionError(original, this.#mainInfo)) || original;
    }
    const scriptError = this.#factory.lastScriptError;
    if (method === 'applyMigrations' && this.#applying && scriptError && !err?.code && !isPanic(err)) {
      return migrationFailedError(this.#applying, scriptError);
    }
    if (isPanic(err)) {
      log('ERROR', globalThis.PRISMA_WASM_PANIC_REGISTRY?.get?.() || err.message);
      return err;
    }
    if (!err?.code && this.#factory.lastConnectionError) return this.#factory.lastConnectionError;
    return err;
  }
}

/** Schema files named by a diff request's targets ([path, content] pairs). */
function diffSchemaFiles(params) {
  for (const target of [params?.to, params?.from]) {
    if ((target?.tag === 'schemaDatamodel' || target?.tag === 'schemaDatasource') && target.files?.length) {
      return target.files.map(({ path: p, content }) => [p, content]);
    }
  }
  return undefined;
}

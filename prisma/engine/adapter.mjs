// The driver adapter the wasm schema engine runs on: @prisma/adapter-pg over node-postgres, with
// the fixes the schema engine needs (traps 1-3, listed in prisma/engine/README.md).
import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { quoteIdent, sameDatabase, withDatabase } from './datasource.mjs';
import { connectionError, userFacingError } from './errors.mjs';
import { log, trace } from './log.mjs';

// Trap 1: adapter-pg cannot deserialize the catalog types the schema describer selects
// ("Column type 'char' could not be deserialized"). node-postgres already returns their text form,
// so the bridge reports them as `text` (OID 25).
const CATALOG_TEXT_OIDS = new Set([
  18 /* char */, 22 /* int2vector */, 24 /* regproc */, 30 /* oidvector */, 194 /* pg_node_tree */, 2205 /* regclass */,
  2206 /* regtype */, 4089 /* regnamespace */,
]);
const TEXT_OID = 25;

/**
 * A migration-aware driver adapter factory (the object the wasm engine's `SchemaEngine.new` takes,
 * after `bindMigrationAwareSqlAdapterFactory`).
 *
 * Every database gets ONE connection (a pool of max 1, never idled out), like the native engine:
 * migrate's session-level advisory lock (pg_advisory_lock(72707369)) and the queries that follow
 * must run on the same session.
 */
export class BridgeAdapterFactory {
  provider = 'postgres';
  adapterName = '@prisma/adapter-pg';

  /** The PostgreSQL error of the last migration script that failed (for P3018, see engine.mjs). */
  lastScriptError = undefined;
  /** The last connection failure as a P1000/P1001/P1003/P1010 error: the wasm engine reports
   * these with a message but without the error code. */
  lastConnectionError = undefined;

  #main;
  #shadow;
  #mainPool;
  #pools = new Set();
  #shadowDatabases = new Set();

  /** @param {{main: object, shadow?: object}} infos parsed with datasource.mjs */
  constructor({ main, shadow }) {
    this.#main = main;
    this.#shadow = shadow;
  }

  async connect() {
    this.#mainPool ??= this.#newPool(this.#main);
    return this.#adapter(this.#main, this.#mainPool);
  }

  // Trap 3: PrismaPg.connectToShadowDb() with a connection string connects to the MAIN database
  // (node-postgres lets `connectionString` win over `database`), and "resetting" the shadow
  // database would then wipe the main one. The bridge never calls it: it creates a throwaway
  // database itself, or uses the configured shadowDatabaseUrl, which must not be the main database.
  async connectToShadowDb() {
    if (this.#shadow) {
      if (sameDatabase(this.#shadow, this.#main)) {
        throw new Error(
          'The shadow database you configured appears to be the same as the main database. Please specify another shadow database.',
        );
      }
      const pool = this.#newPool(this.#shadow);
      await emptyDatabase(pool, this.#shadow).catch((err) => {
        throw connectionError(err, this.#shadow) ?? err;
      });
      return this.#adapter(this.#shadow, pool, () => endPool(pool, this.#pools));
    }

    const name = `prisma_migrate_shadow_db_${randomUUID()}`;
    this.#mainPool ??= this.#newPool(this.#main);
    trace('shadow: create', name);
    try {
      await this.#mainPool.query(`CREATE DATABASE ${quoteIdent(name)}`);
    } catch (err) {
      throw connectionError(err, this.#main) ?? shadowDatabaseCreationError(err);
    }
    this.#shadowDatabases.add(name);
    const info = withDatabase(this.#main, name);
    const pool = this.#newPool(info);
    return this.#adapter(info, pool, async () => {
      await endPool(pool, this.#pools);
      await this.#dropShadowDatabase(name);
    });
  }

  /** Drops throwaway shadow databases still alive (called after every request and at exit). */
  async dropShadowDatabases() {
    for (const name of [...this.#shadowDatabases]) await this.#dropShadowDatabase(name);
  }

  /** Closes every connection (after dropping the shadow databases). */
  async close() {
    await this.dropShadowDatabases();
    await Promise.all([...this.#pools].map((pool) => endPool(pool, this.#pools)));
    this.#mainPool = undefined;
  }

  async #dropShadowDatabase(name) {
    if (!this.#shadowDatabases.has(name)) return;
    this.#shadowDatabases.delete(name);
    trace('shadow: drop', name);
    this.#mainPool ??= this.#newPool(this.#main);
    try {
      await this.#mainPool.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    } catch (err) {
      log('WARN', `Could not drop the shadow database ${name}: ${err.message}`);
    }
  }

  #newPool(info) {
    const pool = new pg.Pool({ ...info.pgConfig, max: 1, idleTimeoutMillis: 0, allowExitOnIdle: true });
    pool.on('error', (err) => log('WARN', `PostgreSQL connection error: ${err.message}`));
    this.#pools.add(pool);
    return pool;
  }

  async #adapter(info, pool, dispose) {
    const adapter = await new PrismaPg(pool, info.schema ? { schema: info.schema } : undefined).connect();
    const onConnectionError = (err) => {
      const mapped = connectionError(err, info);
      if (mapped) this.lastConnectionError = mapped;
    };
    patchQueryable(adapter, onConnectionError);

    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (...args) => {
      trace('sql: <start transaction>');
      const tx = await startTransaction(...args);
      patchQueryable(tx, onConnectionError);
      return tx;
    };

    // Trap 2: adapter-pg's executeScript splits the script on ';' and runs the pieces one by one,
    // which breaks `$$` function bodies and string literals, and leaves a failed migration
    // half-applied. The native engine sends the whole script as one simple-protocol query
    // (PostgreSQL runs it as one implicit transaction); so does the bridge.
    adapter.executeScript = async (script) => {
      trace('script:', script);
      try {
        await pool.query(script);
      } catch (err) {
        this.lastScriptError = err;
        // A script with its own BEGIN that failed half-way leaves the session in an aborted
        // transaction; end it so the engine can record the failure on the same connection.
        await pool.query('ROLLBACK').catch(() => {});
        adapter.onError(err); // throws the DriverAdapterError adapter-pg would have thrown
      }
    };

    if (dispose) {
      let disposed;
      adapter.dispose = () => (disposed ??= dispose());
    }
    return adapter;
  }
}

/** Trap 1 (see above), plus tracing. `performIO` is what adapter-pg's queryRaw/executeRaw call. */
function patchQueryable(queryable, onConnectionError) {
  if (typeof queryable.performIO !== 'function' || typeof queryable.onError !== 'function') {
    throw new Error('@prisma/adapter-pg internals changed (no performIO/onError): update prisma/engine/adapter.mjs');
  }
  // onError(rawPgError) converts and throws; look at the raw error first.
  const onError = queryable.onError.bind(queryable);
  queryable.onError = (err) => {
    onConnectionError(err);
    return onError(err);
  };
  const performIO = queryable.performIO.bind(queryable);
  queryable.performIO = async (query) => {
    trace('sql:', query.sql, query.args?.length ? query.args : '');
    let result = await performIO(query);
    // A query without parameters goes through the simple protocol; with several statements
    // (`db execute`) node-postgres returns one result per statement. Keep the last one.
    if (Array.isArray(result)) result = result.at(-1) ?? { fields: [], rows: [], rowCount: 0 };
    for (const field of result.fields ?? []) {
      if (CATALOG_TEXT_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
    }
    return result;
  };
}

/** P3014, as the native engine reports it. */
function shadowDatabaseCreationError(err) {
  const inner = `${err?.code ? `${err.code}: ` : ''}${err?.message ?? err}`;
  return userFacingError(
    'P3014',
    'Prisma Migrate could not create the shadow database. Please make sure the database user has permission to create databases. ' +
      `Read more about the shadow database (and workarounds) at https://pris.ly/d/migrate-shadow\n\nOriginal error: \n${inner}`,
    { error_code: err?.code ?? 'none', inner_error: inner },
  );
}

/** What the native engine does to a configured shadow database before use: drop every schema. */
async function emptyDatabase(pool, info) {
  await pool.query(`DO $bridge$ DECLARE s record; BEGIN
    FOR s IN SELECT nspname FROM pg_namespace WHERE nspname <> 'information_schema' AND nspname NOT LIKE 'pg\\_%' LOOP
      EXECUTE format('DROP SCHEMA %I CASCADE', s.nspname);
    END LOOP;
  END $bridge$;
  CREATE SCHEMA IF NOT EXISTS public;
  CREATE SCHEMA IF NOT EXISTS ${quoteIdent(info.schema ?? 'public')};`);
}

async function endPool(pool, pools) {
  if (!pools.delete(pool)) return;
  await pool.end().catch(() => {});
}

// --- `schema-engine cli <command>` (run by the CLI in a separate process) ----------------------

/** `cli can-connect-to-database`: throws a P1000/P1001/P1003/... error when the database is not usable. */
export async function canConnect(info) {
  const client = new pg.Client(info.pgConfig);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw connectionError(err, info) ?? err;
  } finally {
    await client.end().catch(() => {});
  }
}

/** `cli create-database` / RPC createDatabase: creates the URL's database from the `postgres` database. */
export async function createDatabase(info) {
  let lastError;
  for (const maintenance of ['postgres', 'template1']) {
    const target = withDatabase(info, maintenance);
    const client = new pg.Client(target.pgConfig);
    try {
      await client.connect();
    } catch (err) {
      lastError = err;
      await client.end().catch(() => {});
      if (err?.code === '3D000') continue; // no `postgres` database: try template1
      throw connectionError(err, target) ?? err;
    }
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(info.database)}`);
      return info.database;
    } catch (err) {
      if (err?.code === '42501') {
        throw userFacingError('P1010', `User \`${info.user}\` was denied access on the database \`${info.database}\``, {
          database_user: info.user,
          database_name: info.database,
        });
      }
      throw connectionError(err, info) ?? err;
    } finally {
      await client.end().catch(() => {});
    }
  }
  throw connectionError(lastError, info) ?? lastError;
}

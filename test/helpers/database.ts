import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPrisma, type Db } from '../../src/db/client.js';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { applyMigrations } from '../../src/db/migrate.js';
import { templateDatabaseName } from './template.js';

export interface TestDatabase {
  url: string;
  db: Db;
  /** True on the embedded database (one connection, no parallel sessions). */
  embedded: boolean;
  drop(): Promise<void>;
}

/**
 * A database of its own for one test file. With DATABASE_URL: a new database cloned from the
 * migrated template (made once by global-setup.ts). Without: an in-memory embedded PostgreSQL.
 */
export async function createTestDatabase(
  options: { onQuery?: (sql: string, params: string) => void } = {},
): Promise<TestDatabase> {
  const server = process.env.DATABASE_URL;
  if (!server) {
    const embedded = await startEmbeddedPostgres('memory://');
    await applyMigrations(embedded.url);
    const db = createPrisma({ url: embedded.url, poolSize: 1, onQuery: options.onQuery });
    let dropped: Promise<void> | undefined;
    return {
      url: embedded.url,
      db,
      embedded: true,
      drop() {
        dropped ??= db.$disconnect().then(() => embedded.stop());
        return dropped;
      },
    };
  }
  const name = `sp_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(server, `CREATE DATABASE "${name}" TEMPLATE "${await ensureTemplate(server)}"`);
  const url = withDatabase(server, name);
  const db = createPrisma({ url, poolSize: 4, preparedStatements: true, onQuery: options.onQuery });
  return {
    url,
    db,
    embedded: false,
    async drop() {
      await db.$disconnect();
      await adminQuery(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/**
 * A migrated template database, made once per migration set (its name hashes the migrations)
 * by whichever test file comes first; the others wait on an advisory lock and then clone it.
 */
async function ensureTemplate(server: string): Promise<string> {
  const name = await templateDatabaseName();
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      const building = `${name}_building`;
      await adminQuery(server, `DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
      await adminQuery(server, `CREATE DATABASE "${building}"`);
      await applyMigrations(withDatabase(server, building));
      await adminQuery(server, `ALTER DATABASE "${building}" RENAME TO "${name}"`);
    }
  } finally {
    await client.end();
  }
  return name;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

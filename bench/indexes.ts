import type pg from 'pg';
import { withClient } from './common.js';

/**
 * The project's secondary indexes on the domain tables (everything except primary keys and
 * unique indexes, which enforce rules rather than speed queries up), dropped and restored.
 *
 * Before dropping, each index's definition is saved in `bench.dropped_indexes` in the bench
 * database itself, so a run that dies half-way (crash, kill -9) is repaired by the next run's
 * `restoreIndexes`, and ctrl-c is repaired at once by the runner's signal handler.
 */

export const DOMAIN_TABLES = ['Course', 'Assignment', 'Lecture', 'StudySession'] as const;

export interface IndexDef {
  name: string;
  table: string;
  def: string;
}

async function ensureStore(client: pg.ClientBase): Promise<void> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS bench`);
  await client.query(
    `CREATE TABLE IF NOT EXISTS bench.dropped_indexes (name text PRIMARY KEY, tbl text NOT NULL, def text NOT NULL)`,
  );
}

/** The secondary indexes that exist now on the domain tables. */
export async function secondaryIndexes(client: pg.ClientBase): Promise<IndexDef[]> {
  const { rows } = await client.query<IndexDef>(
    `SELECT ic.relname AS name, t.relname AS table, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i
       JOIN pg_class ic ON ic.oid = i.indexrelid
       JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = 'public' AND t.relname = ANY($1) AND NOT i.indisprimary AND NOT i.indisunique
      ORDER BY t.relname, ic.relname`,
    [DOMAIN_TABLES],
  );
  return rows;
}

/** Drops the secondary indexes (saving their definitions first); returns what it dropped. */
export async function dropSecondaryIndexes(url: string, log: (m: string) => void): Promise<IndexDef[]> {
  return withClient(url, async (client) => {
    await ensureStore(client);
    const indexes = await secondaryIndexes(client);
    for (const ix of indexes) {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO bench.dropped_indexes (name, tbl, def) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE SET def = EXCLUDED.def`,
        [ix.name, ix.table, ix.def],
      );
      await client.query(`DROP INDEX IF EXISTS "${ix.name}"`);
      await client.query('COMMIT');
    }
    log(`dropped ${indexes.length} secondary indexes (${indexes.map((i) => i.name).join(', ')})`);
    return indexes;
  });
}

let restoring: Promise<number> | null = null;

/**
 * Recreates every index that `dropSecondaryIndexes` saved and that is still missing. Callers that
 * overlap (the run's own `finally` and the ctrl-c handler) share one restore.
 */
export function restoreIndexes(url: string, log: (m: string) => void): Promise<number> {
  restoring ??= restore(url, log).finally(() => (restoring = null));
  return restoring;
}

async function restore(url: string, log: (m: string) => void): Promise<number> {
  return withClient(url, async (client) => {
    await ensureStore(client);
    const { rows } = await client.query<{ name: string; tbl: string; def: string }>(
      `SELECT name, tbl, def FROM bench.dropped_indexes ORDER BY tbl, name`,
    );
    if (rows.length === 0) return 0;
    await client.query(`SET maintenance_work_mem = '256MB'`);
    const started = Date.now();
    for (const row of rows) {
      const exists = await client.query(`SELECT 1 FROM pg_class WHERE relname = $1 AND relkind = 'i'`, [row.name]);
      if (exists.rowCount === 0)
        await client.query(row.def.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX IF NOT EXISTS '));
      await client.query(`DELETE FROM bench.dropped_indexes WHERE name = $1`, [row.name]);
    }
    log(`restored ${rows.length} secondary indexes in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return rows.length;
  });
}

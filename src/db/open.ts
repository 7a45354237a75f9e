import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import { createPrisma, type Db } from './client.js';
import { startEmbeddedPostgres } from './embedded.js';
import { applyMigrations } from './migrate.js';

export class EmbeddedDatabaseBusyError extends Error {}

/**
 * The database the server uses, opened for a one-off command: DATABASE_URL, or else the
 * embedded PostgreSQL in EMBEDDED_DB_DIR (which one process at a time may open: stop the server
 * first; refused with EmbeddedDatabaseBusyError while it is open). Migrations are applied, as at
 * server start.
 */
export async function openDatabase(config: Config): Promise<{ db: Db; embedded: boolean; close(): Promise<void> }> {
  // PGlite does not lock its directory, but keeps postmaster.pid there while it is open (and
  // removes it when it closes): a second process opening it would corrupt the database.
  const pidFile = path.join(config.embeddedDbDir, 'postmaster.pid');
  if (!config.databaseUrl && existsSync(pidFile)) {
    throw new EmbeddedDatabaseBusyError(
      `The embedded database in ${config.embeddedDbDir} is open (is the server running?): stop the server first. ` +
        `If no server is running (it crashed), start and stop it once, then try again.`,
    );
  }
  const embedded = config.databaseUrl ? null : await startEmbeddedPostgres(config.embeddedDbDir);
  const url = config.databaseUrl ?? embedded!.url;
  try {
    await applyMigrations(url);
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
  const db = createPrisma({ url, poolSize: 1 });
  return {
    db,
    embedded: embedded !== null,
    async close() {
      await db.$disconnect();
      await embedded?.stop();
    },
  };
}

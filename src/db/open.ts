import type { Config } from '../config.js';
import { createPrisma, type Db } from './client.js';
import { startEmbeddedPostgres } from './embedded.js';
import { applyMigrations } from './migrate.js';

/**
 * The database the server uses, opened for a one-off command: DATABASE_URL, or else the
 * embedded PostgreSQL in EMBEDDED_DB_DIR (which one process at a time may open: stop the server
 * first). Migrations are applied, as at server start.
 */
export async function openDatabase(config: Config): Promise<{ db: Db; embedded: boolean; close(): Promise<void> }> {
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

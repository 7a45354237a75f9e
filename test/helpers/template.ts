import { createHash } from 'node:crypto';
import { readMigrations } from '../../src/db/migrate.js';

/** The template database's name changes whenever a migration does, so stale templates are never used. */
export async function templateDatabaseName(): Promise<string> {
  const hash = createHash('sha256');
  for (const m of await readMigrations()) hash.update(m.name).update(m.checksum);
  return `sp_template_${hash.digest('hex').slice(0, 12)}`;
}

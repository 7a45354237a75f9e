import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/open.js';
import { createUser } from './helpers/factories.js';

/**
 * `npm run admin:grant` on the embedded database (no DATABASE_URL), as on a laptop: the account
 * exists in EMBEDDED_DB_DIR, the server is stopped, the command promotes it.
 */
it('admin:grant promotes an account in the embedded database (EMBEDDED_DB_DIR)', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sp-admin-grant-'));
  try {
    const env = { EMBEDDED_DB_DIR: dir, LOG_LEVEL: 'silent' };
    const config = loadConfig(env);
    let database = await openDatabase(config);
    expect(database.embedded).toBe(true);
    const user = await createUser(database.db, { email: 'laptop-admin@example.com' });
    // While it is open (the server running), a second opener is refused, not let in to corrupt it.
    await expect(openDatabase(config)).rejects.toThrow(/stop the server first/);
    await database.close();

    const { DATABASE_URL: _ignored, ...rest } = process.env;
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'scripts/admin-grant.ts', 'laptop-admin@example.com'], {
      env: { ...rest, ...env },
    });
    expect(stdout).toContain('is now an admin');

    database = await openDatabase(config);
    try {
      const row = await database.db.user.findUniqueOrThrow({ where: { id: user.id }, select: { role: true } });
      expect(row.role).toBe('ADMIN');
      expect(await database.db.auditLog.count({ where: { targetId: user.id, action: 'user.grant_admin' } })).toBe(1);
    } finally {
      await database.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 120_000);

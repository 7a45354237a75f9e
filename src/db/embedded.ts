import { access, constants, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { StartupError } from '../errors.js';
import { lockDataDir } from './data-dir-lock.js';

/**
 * The zero-setup database: PostgreSQL compiled to wasm (PGlite), kept in a directory and served
 * on a loopback port, so the app talks to it with the same driver adapter as production.
 *
 * Limit: pglite-socket runs every client connection on ONE Postgres session, so the app must use
 * a pool of exactly one connection and open no second one while it runs.
 */
export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const inMemory = dataDir.startsWith('memory://');
  if (!inMemory) await mkdir(dataDir, { recursive: true });
  // Imported here, not at the top: a server on DATABASE_URL never loads PGlite (~1.5 MB of heap).
  const [{ PGlite }, { PGLiteSocketServer }, { pg_trgm }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite-socket'),
    // Trigram indexes of the task search (the find_and_sort migration's CREATE EXTENSION pg_trgm).
    import('@electric-sql/pglite/contrib/pg_trgm'),
  ]);
  // A second server on the same directory exits at once (DataDirLockedError) instead of losing writes.
  const release = inMemory ? async () => {} : await lockDataDir(dataDir);
  let db: PGlite;
  try {
    db = await PGlite.create({ dataDir, extensions: { pg_trgm } });
  } catch (err) {
    await release();
    // PGlite reports a file it may not write as a bare wasm abort: name the file instead.
    const locked = inMemory ? null : await firstUnwritable(dataDir);
    if (locked) {
      throw new StartupError(
        `the embedded database in ${dataDir} cannot be opened: ${locked} is not writable by this user ` +
          `(uid ${process.getuid?.() ?? '?'}): give the directory back to this user (chown -R), or set EMBEDDED_DB_DIR`,
      );
    }
    throw err;
  }
  // The app's pool holds one connection, but after a failed query node-pg discards that
  // connection and opens a new one while the old socket is still closing: allow a few, or the
  // new one is refused and the next query fails with "Connection terminated unexpectedly".
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 4 });
  await server.start();
  const address = server.getServerConn();
  return {
    url: `postgresql://postgres@${address}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
      await release();
    },
  };
}

/** The first file or folder under `dir` this process may not read and write, if any. */
async function firstUnwritable(dir: string): Promise<string | null> {
  const entries = [dir, ...(await readdir(dir, { recursive: true }).catch(() => [])).map((e) => path.join(dir, e))];
  for (const entry of entries) {
    try {
      await access(entry, constants.R_OK | constants.W_OK);
    } catch {
      return entry;
    }
  }
  return null;
}

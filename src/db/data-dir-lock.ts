import { open, readFile, unlink } from 'node:fs/promises';
import { StartupError } from '../errors.js';

/** Another server (this process or another) already runs on the embedded database's directory. */
export class DataDirLockedError extends StartupError {
  constructor(dir: string, pid: number) {
    super(
      `the embedded database in ${dir} is in use by another server (pid ${pid}): stop it first, ` +
        'or give this one its own EMBEDDED_DB_DIR',
    );
  }
  override name = 'DataDirLockedError';
}

/** Directories this process holds. */
const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<dir>.lock`, a file holding the owner's pid, created exclusively. Two servers on one
 * PGlite directory would each keep their own copy in memory and lose each other's writes, so the
 * second one must not start. A lock left by a process that is gone (kill -9, a crash) is taken
 * over at once: the pid says whether its owner still runs. Resolves with the release function.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const file = `${dir.replace(/[/\\]+$/, '')}.lock`;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      held.add(file);
      return async () => {
        held.delete(file);
        await unlink(file).catch(() => {});
      };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST' || attempt > 0) {
        throw new StartupError(
          `cannot take the lock ${file} of the embedded database (${code ?? (err as Error).message}): ` +
            'fix the permissions of its folder, or set EMBEDDED_DB_DIR',
        );
      }
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      const owned = pid === process.pid ? held.has(file) : pid > 0 && alive(pid);
      if (owned) throw new DataDirLockedError(dir, pid);
      await unlink(file).catch(() => {}); // stale: its owner is gone
    }
  }
}

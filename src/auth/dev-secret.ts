import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StartupError } from '../errors.js';

/** The file, under the data directory, that keeps the development JWT secret. */
export const DEV_SECRET_FILE = 'jwt-secret';

/**
 * The development JWT secret: read from `<dataDir>/jwt-secret`, or generated and written there
 * (mode 600) on the first run, so tokens survive restarts and `npm run dev` reloads.
 * Production never comes here: it requires JWT_SECRET (src/config.ts).
 */
export async function loadOrCreateDevSecret(
  dataDir: string,
): Promise<{ secret: string; file: string; created: boolean }> {
  const file = path.join(dataDir, DEV_SECRET_FILE);
  try {
    await mkdir(dataDir, { recursive: true });
    try {
      await writeFile(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
      return { secret: await readSecret(file), file, created: true };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    // Kept from an earlier run: only its owner may read it.
    if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
    return { secret: await readSecret(file), file, created: false };
  } catch (err) {
    if (err instanceof StartupError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new StartupError(
      `the development JWT secret ${file} cannot be read or written (${code}): fix its permissions, delete it, or set JWT_SECRET`,
    );
  }
}

async function readSecret(file: string): Promise<string> {
  const secret = (await readFile(file, 'utf8')).trim();
  if (secret.length < 32)
    throw new StartupError(`${file} holds no usable secret (under 32 characters): delete it to generate one`);
  return secret;
}

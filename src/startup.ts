import { access, constants, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';

import { StartupError } from './errors.js';

/**
 * Fails at once when the HTTP port is taken, before the (slower) database start-up. A probe:
 * another process may still take the port in between, then listen() reports it.
 */
export async function assertPortFree(port: number, host: string, variable = 'PORT'): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(
          new StartupError(`port ${port} is already in use on ${host}: stop the other process or set ${variable}`),
        );
      } else if (err.code === 'EACCES') {
        reject(
          new StartupError(`port ${port} on ${host} needs privileges this process lacks: set ${variable} above 1023`),
        );
      } else {
        reject(new StartupError(`cannot listen on ${host}:${port} (${variable}): ${err.message}`));
      }
    });
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** Creates the directory if needed; fails with one line naming it when it cannot be written. */
export async function assertWritableDir(dir: string, what: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new StartupError(`${what} ${dir} is not writable (${code}): fix its permissions or set DATA_DIR`);
  }
}

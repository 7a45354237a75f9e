// Optional tools some suites need (a browser, a Redis). Plain JS: jest.config.js reads it too,
// to choose the test list at collection time, so a missing tool never shows as a skipped test.
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** The first executable of these names on PATH, or null. */
export function which(...names) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    for (const name of names) {
      const file = path.join(dir, name);
      try {
        accessSync(file, constants.X_OK);
        return file;
      } catch {
        // not here
      }
    }
  }
  return null;
}

/** Chromium for the GraphiQL browser test: CHROMIUM_PATH, else chromium on PATH. */
export function findChromium() {
  return process.env.CHROMIUM_PATH || which('chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable');
}

/** How the Redis suite gets a Redis: REDIS_URL, else a redis-server it starts itself, else none. */
export function redisSource() {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL };
  const server = which('redis-server');
  return server ? { server } : null;
}

/** CI=true: a suite whose tool is missing runs (and fails) instead of being left out. */
export const inCi = process.env.CI === 'true' || process.env.CI === '1';

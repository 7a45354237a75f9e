import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from './ports.js';
import { inCi, redisSource } from './tools.mjs';

export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

/**
 * The Redis of a suite: REDIS_URL when set, else a `redis-server` of its own on a free port
 * (no persistence), stopped with the suite. jest.config.js leaves the suite out when there is
 * neither, except with CI=true, where this throws.
 */
export async function startTestRedis(): Promise<TestRedis> {
  const source = redisSource();
  if (!source) {
    throw new Error(
      `no Redis: REDIS_URL is unset and no redis-server is installed${inCi ? ' (CI=true: the Redis suite must run)' : ''}`,
    );
  }
  if ('url' in source) return { url: source.url, stop: async () => {} };
  const port = await freePort();
  const child = spawn(
    source.server,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`redis-server exited (${code}): ${output.trim().split('\n').pop()}`)),
    );
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

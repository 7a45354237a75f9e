/**
 * CPU profiles of a running server, taken over its inspector (the server runs with
 * `--inspect=127.0.0.1:0`, which costs nothing while no profile is being taken): V8's sampler runs
 * only between `start()` and `stop()`, unlike `--cpu-prof`, whose code-event logging slows the
 * server by a fifth for as long as it runs.
 */
import WebSocket from 'ws';
import type { Profile } from './profile-share.js';

/** The NODE_OPTIONS that give a server an inspector on a free port (it prints its address on stderr). */
export const INSPECT_OPTION = '--inspect=127.0.0.1:0';

export interface Profiler {
  /** Starts sampling every `intervalUs` µs. */
  start(intervalUs?: number): Promise<void>;
  /** Stops sampling; the samples since start. */
  stop(): Promise<Profile>;
  close(): void;
}

/** Connects to the inspector whose address the server printed (`output`: its stdout and stderr so far). */
export async function connectProfiler(output: string): Promise<Profiler> {
  const url = /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1];
  if (!url) throw new Error('no inspector address in the server output (was it started with --inspect?)');
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let next = 1;
  const pending = new Map<number, { resolve: (result: unknown) => void; reject: (err: Error) => void }>();
  socket.on('message', (data: WebSocket.RawData) => {
    const message = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string } };
    const waiting = message.id === undefined ? undefined : pending.get(message.id);
    if (!waiting) return;
    pending.delete(message.id!);
    if (message.error) waiting.reject(new Error(message.error.message));
    else waiting.resolve(message.result);
  });
  socket.on('close', () => {
    for (const waiting of pending.values()) waiting.reject(new Error('inspector connection closed'));
    pending.clear();
  });
  const call = <T>(method: string, params: Record<string, unknown> = {}) =>
    new Promise<T>((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve: (r) => resolve(r as T), reject });
      socket.send(JSON.stringify({ id, method, params }));
    });
  await call('Profiler.enable');
  return {
    async start(intervalUs = 1000) {
      await call('Profiler.setSamplingInterval', { interval: intervalUs });
      await call('Profiler.start');
    },
    async stop() {
      return (await call<{ profile: Profile }>('Profiler.stop')).profile;
    },
    close: () => socket.close(),
  };
}

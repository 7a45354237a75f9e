import net from 'node:net';

/**
 * A TCP proxy between the server and PostgreSQL or Redis, for fault injection:
 * - `cut()` drops every open connection and refuses new ones until `restore()` (an outage);
 * - `stall()` keeps connections open but forwards nothing until `restore()` (a hung server).
 */
export interface FaultProxy {
  port: number;
  /** The target's URL with host and port replaced by the proxy's. */
  url(targetUrl: string): string;
  cut(): void;
  stall(): void;
  restore(): void;
  /** Cut for `ms`, then restore. */
  cutFor(ms: number): Promise<void>;
  close(): Promise<void>;
}

export async function startProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  type Pair = { client: net.Socket; upstream: net.Socket; held: Buffer[][] };
  const pairs = new Set<Pair>();
  let mode: 'open' | 'cut' | 'stall' = 'open';

  const server = net.createServer((client) => {
    if (mode === 'cut') {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    const pair: Pair = { client, upstream, held: [[], []] };
    pairs.add(pair);
    const forward = (from: net.Socket, to: net.Socket, held: Buffer[]) =>
      from.on('data', (chunk: Buffer) => {
        if (mode === 'stall') held.push(chunk);
        else to.write(chunk);
      });
    forward(client, upstream, pair.held[0]!);
    forward(upstream, client, pair.held[1]!);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  const proxy: FaultProxy = {
    port,
    url(targetUrl) {
      const u = new URL(targetUrl);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    cut() {
      mode = 'cut';
      for (const p of pairs) {
        p.client.destroy();
        p.upstream.destroy();
      }
      pairs.clear();
    },
    stall() {
      mode = 'stall';
    },
    restore() {
      mode = 'open';
      for (const p of pairs) {
        for (const chunk of p.held[0]!.splice(0)) p.upstream.write(chunk);
        for (const chunk of p.held[1]!.splice(0)) p.client.write(chunk);
      }
    },
    async cutFor(ms) {
      proxy.cut();
      await new Promise((resolve) => setTimeout(resolve, ms));
      proxy.restore();
    },
    async close() {
      proxy.cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}

/** Host and port of a postgresql:// or redis:// URL. */
export function hostPort(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || (u.protocol.startsWith('redis') ? 6379 : 5432)) };
}

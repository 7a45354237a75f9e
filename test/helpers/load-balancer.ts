import net from 'node:net';

/**
 * A round-robin TCP load balancer on 127.0.0.1 in front of a few replicas: each new connection
 * goes to the next target; a target that refuses the connection (a killed replica) is skipped and
 * the next one tried, as a load balancer's health check would. Connections are piped byte for
 * byte (HTTP, WebSocket upgrades): one HTTP request per connection lands on the next replica,
 * a WebSocket stays on the replica it opened on until either side closes it.
 */
export interface LoadBalancer {
  port: number;
  /** `http://127.0.0.1:<port>/graphql`. */
  url: string;
  /** Connections forwarded to each target since the start. */
  forwarded(): number[];
  /** Connections open now to each target. */
  open(): number[];
  close(): Promise<void>;
}

export async function startLoadBalancer(targets: { host: string; port: number }[]): Promise<LoadBalancer> {
  const forwarded = targets.map(() => 0);
  const open = targets.map(() => 0);
  const sockets = new Set<net.Socket>();
  let next = 0;

  /** Connects to the next target that accepts, trying each at most once; null when none does. */
  const connectNext = async (): Promise<{ upstream: net.Socket; index: number } | null> => {
    for (let tried = 0; tried < targets.length; tried++) {
      const index = next;
      next = (next + 1) % targets.length;
      const upstream = net.connect(targets[index]!.port, targets[index]!.host);
      const ok = await new Promise<boolean>((resolve) => {
        upstream.once('connect', () => resolve(true));
        upstream.once('error', () => resolve(false));
      });
      if (ok) return { upstream, index };
      upstream.destroy();
    }
    return null;
  };

  const server = net.createServer((client) => {
    sockets.add(client);
    client.pause();
    client.on('error', () => client.destroy());
    client.on('close', () => sockets.delete(client));
    void connectNext().then((target) => {
      if (!target || client.destroyed) {
        target?.upstream.destroy();
        client.destroy();
        return;
      }
      const { upstream, index } = target;
      sockets.add(upstream);
      forwarded[index]!++;
      open[index]!++;
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        open[index]!--;
        sockets.delete(upstream);
        client.destroy();
        upstream.destroy();
      };
      upstream.on('error', end).on('close', end);
      client.on('error', end).on('close', end);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}/graphql`,
    forwarded: () => [...forwarded],
    open: () => [...open],
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

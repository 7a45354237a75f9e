import WebSocket from 'ws';

/** A raw graphql-ws connection (protocol messages by hand), for tests of what the server refuses. */
export interface RawWs {
  socket: WebSocket;
  send(message: Record<string, unknown>): void;
  /** The next message the server sends. */
  next(): Promise<Record<string, any>>;
  /** Resolves with the close code and reason once the server (or client) closed. */
  closed: Promise<{ code: number; reason: string }>;
}

/** `headers`: extra headers of the upgrade request. */
export async function rawWs(url: string, headers: Record<string, string> = {}): Promise<RawWs> {
  const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws', { headers });
  const items: Record<string, any>[] = [];
  const waiters: ((m: Record<string, any>) => void)[] = [];
  socket.on('message', (data) => {
    const m = JSON.parse(String(data)) as Record<string, any>;
    const w = waiters.shift();
    if (w) w(m);
    else items.push(m);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  return {
    socket,
    send: (message) => socket.send(JSON.stringify(message)),
    next: () => {
      const item = items.shift();
      return item ? Promise.resolve(item) : new Promise((resolve) => waiters.push(resolve));
    },
    closed,
  };
}

/** Connects and initialises with a token; resolves once acknowledged. */
export async function initWs(url: string, token: string | null): Promise<RawWs> {
  const ws = await rawWs(url);
  ws.send({ type: 'connection_init', payload: token ? { authorization: `Bearer ${token}` } : {} });
  const ack = await Promise.race([ws.next(), ws.closed.then(() => null)]);
  if (ack?.type !== 'connection_ack') throw new Error(`not acknowledged: ${JSON.stringify(ack ?? (await ws.closed))}`);
  return ws;
}

import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** A graphql-ws client subscribed to one operation; `next()` awaits the next message. */
export interface Subscription<T = any> {
  next(): Promise<T>;
  close(): Promise<void>;
}

function queue<T>() {
  const items: T[] = [];
  const waiters: ((item: T) => void)[] = [];
  return {
    push(item: T) {
      const w = waiters.shift();
      if (w) w(item);
      else items.push(item);
    },
    next(): Promise<T> {
      const item = items.shift();
      return item !== undefined ? Promise.resolve(item) : new Promise((resolve) => waiters.push(resolve));
    },
  };
}

/**
 * Subscribes over WebSocket (graphql-ws); resolves once the server acknowledged the connection,
 * rejects when it closes the socket before that (e.g. 4429, too many connections).
 */
export async function wsSubscribe(
  url: string,
  token: string | null,
  query: string,
  variables: Record<string, unknown> = {},
  /** Sent beside the query, e.g. `{ documentId }` with an empty query (trusted documents). */
  extra: Record<string, unknown> = {},
): Promise<Subscription> {
  const messages = queue<any>();
  let acknowledged!: () => void;
  let refused!: (err: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    acknowledged = resolve;
    refused = reject;
  });
  const client: Client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    lazy: false,
    retryAttempts: 0,
    on: {
      connected: () => acknowledged(),
      closed: (event) => {
        const { code, reason } = event as { code?: number; reason?: string };
        refused(new Error(`the server closed the socket before acknowledging it: ${code} ${reason ?? ''}`.trim()));
      },
    },
  });
  await ready;
  const dispose = client.subscribe(
    { ...extra, query, variables },
    {
      next: (m) => messages.push(m),
      error: (e) => messages.push({ errors: Array.isArray(e) ? e : [e] }),
      complete: () => {},
    },
  );
  return {
    next: () => messages.next(),
    async close() {
      dispose();
      await client.dispose();
    },
  };
}

/** Subscribes over SSE (`Accept: text/event-stream`) through a fetch function. */
export async function sseSubscribe(
  fetchFn: (path: string, init: RequestInit) => Promise<Response>,
  token: string | null,
  query: string,
): Promise<Subscription & { status: number }> {
  const controller = new AbortController();
  const res = await fetchFn('/graphql', {
    method: 'POST',
    headers: {
      accept: 'text/event-stream',
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query }),
    signal: controller.signal,
  });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    status: res.status,
    async next() {
      for (;;) {
        const match = /(^|\n)data: (.*)\n\n/.exec(buffer);
        if (match) {
          buffer = buffer.slice(match.index + match[0].length);
          return JSON.parse(match[2]!);
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    },
    async close() {
      controller.abort();
      await reader.cancel().catch(() => {});
    },
  };
}

import net from 'node:net';

/**
 * Counts the SQL statements a server sends to PostgreSQL: a TCP pass-through between the server
 * and PostgreSQL that reads the frontend half of the wire protocol. Each Execute message
 * (extended protocol: Prisma's adapter, PostGraphile, pg with parameters) and each simple Query
 * message counts as one statement, BEGIN/COMMIT included; the statement text comes from the
 * matching Parse. It sees every server the same way (no logging mode, no extension needed), but
 * it adds a hop, so the runner uses it only in a separate, short counting pass, never while
 * timing.
 */
export class SqlCounter {
  total = 0;
  /** Bytes PostgreSQL sent back (rows, descriptions, status): what the server had to read and decode. */
  bytesFromDb = 0;
  readonly texts = new Map<string, number>();
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly target: { host: string; port: number }) {}

  /** Listens on a free local port; returns it. */
  async start(): Promise<number> {
    this.server = net.createServer((client) => this.pipe(client));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as net.AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  reset(): void {
    this.total = 0;
    this.bytesFromDb = 0;
    this.texts.clear();
  }

  /** The most frequent statements (normalized whitespace, cut at 2,000 characters). */
  top(n = 12): { sql: string; count: number }[] {
    return [...this.texts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([sql, count]) => ({ sql, count }));
  }

  private record(sql: string): void {
    this.total++;
    const key = sql.replace(/\s+/g, ' ').trim().slice(0, 2000);
    this.texts.set(key, (this.texts.get(key) ?? 0) + 1);
  }

  private pipe(client: net.Socket): void {
    const upstream = net.connect(this.target.port, this.target.host);
    this.sockets.add(client).add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    upstream.on('data', (chunk: Buffer) => (this.bytesFromDb += chunk.length));
    upstream.pipe(client);

    // Frontend messages: the startup packet has no type byte, every later one is type + int32 length.
    let started = false;
    let pending: Buffer = Buffer.alloc(0);
    const statements = new Map<string, string>(); // prepared statement name → SQL
    const portals = new Map<string, string>(); // portal name → SQL
    const cstring = (buf: Buffer, at: number): [string, number] => {
      const end = buf.indexOf(0, at);
      return [buf.toString('utf8', at, end), end + 1];
    };
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let offset = 0;
      for (;;) {
        if (!started) {
          if (pending.length - offset < 8) break;
          const len = pending.readInt32BE(offset);
          if (pending.length - offset < len) break;
          const code = pending.readInt32BE(offset + 4);
          // SSLRequest / GSSENCRequest are followed by another untyped startup packet.
          if (code !== 80877103 && code !== 80877104) started = true;
          offset += len;
          continue;
        }
        if (pending.length - offset < 5) break;
        const type = String.fromCharCode(pending[offset]!);
        const len = pending.readInt32BE(offset + 1);
        if (pending.length - offset < 1 + len) break;
        const body = offset + 5;
        if (type === 'Q') {
          this.record(cstring(pending, body)[0]);
        } else if (type === 'P') {
          const [name, next] = cstring(pending, body);
          statements.set(name, cstring(pending, next)[0]);
        } else if (type === 'B') {
          const [portal, next] = cstring(pending, body);
          portals.set(portal, statements.get(cstring(pending, next)[0]) ?? '?');
        } else if (type === 'E') {
          this.record(portals.get(cstring(pending, body)[0]) ?? '?');
        }
        offset += 1 + len;
      }
      pending = offset >= pending.length ? Buffer.alloc(0) : pending.subarray(offset);
    });
  }
}

import net from 'node:net';

/**
 * A minimal SMTP server for fault injection, counting messages per recipient. `mode`:
 * - `ok`: a plain server;
 * - `hang`: accepts connections and never greets (the client's greeting timeout fires);
 * - `silent-after-data`: takes the whole message, then never answers the final `.` (the client
 *   cannot know whether it was accepted). Such messages are counted in `unanswered`.
 */
export type FakeSmtpMode = 'ok' | 'hang' | 'silent-after-data';

export interface FakeSmtp {
  url: string;
  mode: FakeSmtpMode;
  /** Recipients of the messages accepted (answered 250). */
  readonly recipients: string[];
  /** Recipients of the messages received but never answered (`silent-after-data`). */
  readonly unanswered: string[];
  /** Connections opened so far. */
  readonly connections: number;
  close(): Promise<void>;
}

export async function startFakeSmtp(): Promise<FakeSmtp> {
  const state = { recipients: [] as string[], unanswered: [] as string[], mode: 'ok' as FakeSmtpMode, connections: 0 };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if (state.mode === 'hang') return;
    let buffer = '';
    let inData = false;
    let to: string[] = [];
    socket.write('220 fake ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += String(chunk);
      let i: number;
      while ((i = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            if (state.mode === 'silent-after-data') state.unanswered.push(...to);
            else {
              state.recipients.push(...to);
              socket.write('250 OK\r\n');
            }
            to = [];
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250 fake\r\n');
        else if (verb === 'RCPT') {
          to.push(/<([^>]+)>/.exec(line)?.[1] ?? line);
          socket.write('250 OK\r\n');
        } else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go\r\n');
        } else if (verb === 'QUIT') {
          socket.end('221 bye\r\n');
        } else socket.write('250 OK\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    get recipients() {
      return state.recipients;
    },
    get unanswered() {
      return state.unanswered;
    },
    get connections() {
      return state.connections;
    },
    get mode() {
      return state.mode;
    },
    set mode(v: FakeSmtpMode) {
      state.mode = v;
      if (v === 'hang') for (const s of sockets) s.destroy();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

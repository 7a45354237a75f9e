import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from './helpers/app.js';

let app: TestApp;
let port: number;
beforeAll(async () => {
  app = await createTestApp({ env: { HTTP_REQUEST_TIMEOUT_MS: '1000', HTTP_HEADERS_TIMEOUT_MS: '1000' } });
  port = Number(new URL(await app.server.listen(0, '127.0.0.1')).port);
});
afterAll(async () => {
  await app?.close();
});

/** Sends `head` and nothing more; resolves with what the server answered when it closed the connection. */
function stall(head: string): Promise<{ answer: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1', () => socket.write(head));
    let answer = '';
    socket.on('data', (chunk) => (answer += String(chunk)));
    socket.on('close', () => resolve({ answer, ms: Date.now() - started }));
    socket.on('error', reject);
  });
}

describe('slow clients', () => {
  it('drops a request that declares a body and sends none (408 after the request timeout)', async () => {
    const { answer, ms } = await stall(
      'POST /graphql HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(ms).toBeLessThan(5_000);
  });

  it('drops a request whose headers never end', async () => {
    const { answer } = await stall('POST /graphql HTTP/1.1\r\nHost: test\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });
});

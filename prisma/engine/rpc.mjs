// The CLI's engine protocol: JSON-RPC 2.0, one JSON object per line on stdin/stdout. Requests are
// answered one at a time, in order. The engine may itself send requests to the CLI (`print`),
// which the CLI answers on stdin. The CLI ends the engine by closing stdin.
import readline from 'node:readline';
import { toRpcError } from './errors.mjs';
import { trace } from './log.mjs';

/**
 * @param {(method: string, params: unknown) => Promise<unknown>} handler
 * @param {{onClose: () => void}} options called once stdin is closed and every request answered
 * @returns {{request(method: string, params: unknown): Promise<unknown>}}
 */
export function serveStdio(handler, { onClose }) {
  const queue = [];
  const outgoing = new Map();
  let nextId = 1;
  let busy = false;
  let closed = false;

  const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

  const rpc = {
    request(method, params) {
      if (closed) return Promise.reject(new Error('stdin is closed'));
      return new Promise((resolve, reject) => {
        const id = nextId++;
        outgoing.set(id, { resolve, reject });
        send({ jsonrpc: '2.0', id, method, params });
      });
    },
  };

  const pump = async () => {
    if (busy) return;
    busy = true;
    while (queue.length) {
      const { id, method, params } = queue.shift();
      let response;
      trace('rpc <-', method);
      try {
        const result = await handler(method, params ?? undefined);
        // `result` must be present: the CLI rejects a response without it.
        response = { jsonrpc: '2.0', id, result: result === undefined ? null : result };
      } catch (err) {
        const error = toRpcError(err);
        if (err?.rpcCode) error.code = err.rpcCode;
        response = { jsonrpc: '2.0', id, error };
      }
      trace('rpc ->', method, response.error ? response.error : 'ok');
      if (id !== undefined && id !== null) send(response);
    }
    busy = false;
    if (closed) onClose();
  };

  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (!line.trim()) return;
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      send({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
      return;
    }
    if (typeof message.method !== 'string') {
      // The CLI's answer to one of our requests.
      const pending = outgoing.get(message.id);
      outgoing.delete(message.id);
      if (message.error) pending?.reject(new Error(message.error.message ?? 'RPC error'));
      else pending?.resolve(message.result);
      return;
    }
    queue.push(message);
    void pump();
  });
  lines.on('close', () => {
    closed = true;
    for (const { reject } of outgoing.values()) reject(new Error('stdin is closed'));
    outgoing.clear();
    void pump();
  });

  return rpc;
}

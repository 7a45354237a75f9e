import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Plugin } from 'graphql-yoga';
import type { Registry } from 'prom-client';

/** True when `authorization` is `Bearer <token>` (constant-time compare); always true without a token. */
export function metricsAuthorized(token: string | null, authorization: string | null | undefined): boolean {
  if (!token) return true;
  const given = Buffer.from(authorization ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** GET /metrics on the API port, behind the bearer token when one is configured. */
export function useMetricsEndpoint(registry: Registry, token: string | null): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== '/metrics' || request.method !== 'GET') return;
      if (!metricsAuthorized(token, request.headers.get('authorization'))) {
        endResponse(
          new fetchAPI.Response('unauthorized\n', { status: 401, headers: { 'www-authenticate': 'Bearer' } }),
        );
        return;
      }
      const body = await registry.metrics();
      endResponse(new fetchAPI.Response(body, { headers: { 'content-type': registry.contentType } }));
    },
  };
}

/** /metrics on a port of its own (METRICS_PORT), e.g. reachable from the cluster only. */
export async function startMetricsServer(
  registry: Registry,
  options: { port: number; host?: string; token: string | null },
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.url?.split('?')[0] !== '/metrics' || req.method !== 'GET') {
      res.writeHead(404).end();
      return;
    }
    if (!metricsAuthorized(options.token, req.headers.authorization)) {
      res.writeHead(401, { 'www-authenticate': 'Bearer' }).end('unauthorized\n');
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (err: unknown) => res.writeHead(500).end(`${(err as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host && options.host !== '0.0.0.0' ? options.host : 'localhost'}:${port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

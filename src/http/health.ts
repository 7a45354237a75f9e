import type { Plugin } from 'graphql-yoga';

export interface ReadinessCheck {
  /** Throws or returns problems; [] means ready. */
  (): Promise<string[]>;
}

/**
 * GET /health: the process is up (no I/O). GET /ready: the database answers and every migration
 * is applied; 503 with the problems otherwise; 200 `degraded` with reasons when it serves but an
 * operator should look (outbox lag, dead letters). Both return JSON.
 */
export function useHealthRoutes(options: {
  ready: ReadinessCheck;
  startedAt: Date;
  /** Reasons to answer `degraded` (still 200: the replica serves; an operator should look). */
  degraded?: () => Promise<string[]>;
}): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      if (url.pathname === '/health') {
        endResponse(
          fetchAPI.Response.json({
            status: 'ok',
            uptimeSeconds: Math.round((Date.now() - options.startedAt.getTime()) / 1000),
          }),
        );
      } else if (url.pathname === '/ready') {
        let problems: string[];
        try {
          problems = await options.ready();
        } catch (err) {
          problems = [`database: ${(err as Error).message}`];
        }
        if (problems.length) {
          endResponse(fetchAPI.Response.json({ status: 'unavailable', problems }, { status: 503 }));
          return;
        }
        const reasons = await (options.degraded?.() ?? Promise.resolve([])).catch((err: unknown) => [
          `degraded check failed: ${(err as Error).message}`,
        ]);
        endResponse(fetchAPI.Response.json(reasons.length ? { status: 'degraded', reasons } : { status: 'ready' }));
      }
    },
  };
}

import type { Plugin } from 'graphql-yoga';

export interface ReadinessCheck {
  /** Throws or returns problems; [] means ready. */
  (): Promise<string[]>;
}

/**
 * GET /health: the process is up (no I/O). GET /ready: the database answers and every migration
 * is applied; 503 with the problems otherwise. Both return JSON.
 */
export function useHealthRoutes(options: { ready: ReadinessCheck; startedAt: Date }): Plugin {
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
        endResponse(
          fetchAPI.Response.json(problems.length ? { status: 'unavailable', problems } : { status: 'ready' }, {
            status: problems.length ? 503 : 200,
          }),
        );
      }
    },
  };
}

import type { Plugin } from 'graphql-yoga';

export interface ReadinessCheck {
  /** Throws or returns problems; [] means ready. */
  (): Promise<string[]>;
}

export interface HealthOptions {
  /** Problems that make this replica unable to serve (the database): 503. */
  ready: ReadinessCheck;
  /**
   * Reasons it serves through but an operator should look (Redis away: live updates stay on this
   * replica; outbox lag; dead letters): 200 `degraded`.
   */
  degraded?: () => string[] | Promise<string[]>;
  startedAt: Date;
  /** /ready answers within this, whatever the database does (default 2 s). */
  timeoutMs?: number;
  /**
   * Who sees the problems' text (database errors name hosts): `null` everyone (development),
   * otherwise only a request with `Authorization: Bearer <operatorToken>`; `undefined` nobody.
   */
  operatorToken?: string | null;
}

/**
 * GET /health: the process is up (no I/O). GET /ready: the database answers within the timeout
 * and every migration is applied (200 `ready`, or 200 `degraded` while an optional dependency is
 * away), 503 `unavailable` otherwise. Both return JSON; the problems only to the operator.
 */
export function useHealthRoutes(options: HealthOptions): Plugin {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const withTimeout = async (run: () => Promise<string[]>, what: string): Promise<string[]> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        run(),
        new Promise<string[]>((resolve) => {
          timer = setTimeout(() => resolve([`${what}: no answer within ${timeoutMs} ms`]), timeoutMs);
        }),
      ]);
    } catch (err) {
      return [`${what}: ${(err as Error).message}`];
    } finally {
      clearTimeout(timer);
    }
  };
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
        const problems = await withTimeout(options.ready, 'database');
        const degraded = options.degraded;
        const reasons = problems.length || !degraded ? [] : await withTimeout(async () => degraded(), 'degraded check');
        const status = problems.length ? 'unavailable' : reasons.length ? 'degraded' : 'ready';
        const showDetails =
          options.operatorToken === null ||
          (!!options.operatorToken && request.headers.get('authorization') === `Bearer ${options.operatorToken}`);
        const details = {
          ...(showDetails && problems.length ? { problems } : {}),
          ...(showDetails && reasons.length ? { reasons } : {}),
        };
        endResponse(fetchAPI.Response.json({ status, ...details }, { status: problems.length ? 503 : 200 }));
      }
    },
  };
}

import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

/** What the observability plugins note about one HTTP request while it runs. */
export interface RequestInfo {
  /** The client's `x-request-id` when it is a sane token, else a generated uuid; echoed in the response. */
  id: string;
  /** performance.now() at arrival. */
  startedAt: number;
  /** undefined: not parsed (yet); null: anonymous. */
  operationName?: string | null;
  operationType?: string;
  /** A request to the GraphQL endpoint (not /health, /metrics…). */
  graphql: boolean;
}

const SANE_ID = /^[\w.:@/+=-]{1,128}$/;
const infos = new WeakMap<Request, RequestInfo>();

/** The request's info, created on first use (by whichever plugin or the context factory asks first). */
export function requestInfo(request: Request): RequestInfo {
  let info = infos.get(request);
  if (!info) {
    const given = request.headers.get('x-request-id');
    info = {
      id: given && SANE_ID.test(given) ? given : randomUUID(),
      startedAt: performance.now(),
      graphql: request.url.includes('/graphql'),
    };
    infos.set(request, info);
  }
  return info;
}

import { randomUUID } from 'node:crypto';
import { requestInfo } from '../observability/request-info.js';
import type { ViewerLoader } from '../auth/viewer-cache.js';
import type { Context } from '../context.js';
import type { DomainContext } from '../resolvers/context.js';
import type { Versioning } from '../versioning/versioning.js';

/** What the context factory is given: an HTTP request, or a graphql-ws subscription's context. */
export interface ServerContextInput {
  request?: Request;
  connectionParams?: Record<string, unknown>;
  /** The GraphQL params (HTTP: Yoga's; graphql-ws: the subscribe payload). */
  params?: { operationName?: string | null };
}

function stringParam(params: Record<string, unknown>, name: string): string | null {
  const value = params[name];
  return typeof value === 'string' ? value : null;
}

/**
 * The per-request context: the domain context (with this request's viewer and logger) plus what
 * the transport knows. HTTP requests (and SSE subscriptions) carry `request`; graphql-ws
 * subscriptions carry the upgrade request and the client's connection params (where the token
 * travels).
 */
export function createContextFactory(deps: {
  domain: Omit<DomainContext, 'viewer' | 'logger'> & Pick<DomainContext, 'logger'>;
  viewers: ViewerLoader;
  versioning: Versioning;
  trustedDocuments: Context['trustedDocuments'];
}): (initial: ServerContextInput) => Promise<Context> {
  return async (initial) => {
    const header = (name: string) => initial.request?.headers.get(name) ?? null;
    const params = initial.connectionParams ?? {};
    // The same id as the response header and the request log line (src/observability).
    const requestId = initial.request ? requestInfo(initial.request).id : randomUUID();
    const authorization =
      header('authorization') ?? stringParam(params, 'authorization') ?? stringParam(params, 'Authorization');
    const viewer = await deps.viewers.load(authorization);
    const operationName = initial.params?.operationName ?? null;
    const client = {
      name: header('graphql-client-name') ?? stringParam(params, 'graphql-client-name'),
      version: header('graphql-client-version') ?? stringParam(params, 'graphql-client-version'),
    };
    return {
      ...deps.domain,
      viewer,
      // useRequestLog adds the operation name once the document is parsed.
      logger: deps.domain.logger.child({ requestId, client, viewerId: viewer?.id ?? null }),
      requestId,
      operationName,
      client,
      versioning: deps.versioning,
      trustedDocuments: deps.trustedDocuments,
    };
  };
}

import { randomUUID } from 'node:crypto';
import type { ViewerLoader } from '../auth/viewer-cache.js';
import type { Context } from '../context.js';
import type { DomainContext } from '../resolvers/context.js';
import type { Versioning } from '../versioning/versioning.js';

/** What the context factory is given: an HTTP request, or a graphql-ws subscription's context. */
export interface ServerContextInput {
  request?: Request;
  connectionParams?: Record<string, unknown>;
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
    const requestId = header('x-request-id') ?? randomUUID();
    const authorization =
      header('authorization') ?? stringParam(params, 'authorization') ?? stringParam(params, 'Authorization');
    return {
      ...deps.domain,
      viewer: await deps.viewers.load(authorization),
      logger: deps.domain.logger.child({ requestId }),
      requestId,
      client: {
        name: header('graphql-client-name') ?? stringParam(params, 'graphql-client-name'),
        version: header('graphql-client-version') ?? stringParam(params, 'graphql-client-version'),
      },
      versioning: deps.versioning,
      trustedDocuments: deps.trustedDocuments,
    };
  };
}

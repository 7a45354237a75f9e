import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import { requestInfo } from '../observability/request-info.js';
import type { ViewerLoader } from '../auth/viewer-cache.js';
import type { Context } from '../context.js';
import type { DomainContext } from '../resolvers/domain-context.js';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from '../db/unavailable.js';
import { clientIdentityOf } from '../versioning/client-status.js';
import type { Versioning } from '../versioning/versioning.js';

/** What the context factory is given: an HTTP request, or a graphql-ws subscription's context. */
export interface ServerContextInput {
  request?: Request;
  /** Node's request (Yoga's node adapter, and graphql-ws' upgrade request). */
  req?: IncomingMessage;
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
  /** Take the client address from X-Forwarded-For (a trusted proxy sets it). */
  trustProxy?: boolean;
  /** PUBLIC_URL: where links handed out point; null: the origin the request came to. */
  publicUrl?: string | null;
}): (initial: ServerContextInput) => Promise<Context> {
  return async (initial) => {
    const header = (name: string) => initial.request?.headers.get(name) ?? null;
    const params = initial.connectionParams ?? {};
    // The same id as the response header and the request log line (src/observability).
    const requestId = initial.request ? requestInfo(initial.request).id : randomUUID();
    const authorization =
      header('authorization') ?? stringParam(params, 'authorization') ?? stringParam(params, 'Authorization');
    let viewer;
    try {
      viewer = await deps.viewers.load(authorization);
    } catch (err) {
      // The account lookup needs the database: while it is away, answer 503 with a request id, not a 500.
      if (!isDatabaseUnavailable(err)) throw err;
      deps.domain.logger.warn({ err, requestId }, 'database unavailable while loading the viewer');
      throw new GraphQLError('The service is temporarily unavailable. Please retry shortly.', {
        extensions: {
          code: 'SERVICE_UNAVAILABLE',
          retryAfter: RETRY_AFTER_SECONDS,
          requestId,
          http: { status: 503, headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } },
        },
      });
    }
    const operationName = initial.params?.operationName ?? null;
    const client = clientIdentityOf((name) => header(name) ?? stringParam(params, name));
    return {
      ...deps.domain,
      viewer,
      // The operation name the client sent; useRequestLog corrects it once the document is parsed.
      logger: deps.domain.logger.child({
        requestId,
        client,
        viewerId: viewer?.id ?? null,
        ...(operationName ? { operationName } : {}),
      }),
      requestId,
      operationName,
      clientIp: clientIp(initial, deps.trustProxy ?? false),
      userAgent: header('user-agent') ?? initial.req?.headers['user-agent'] ?? null,
      // Read by the calendar feed's mutations only: not parsed on every request.
      publicOrigin: () => deps.publicUrl ?? requestOrigin(initial, deps.trustProxy ?? false),
      client,
      versioning: deps.versioning,
      trustedDocuments: deps.trustedDocuments,
    };
  };
}

/** The client's address: the socket's peer, or the first X-Forwarded-For hop behind a trusted proxy. */
export function clientIp(initial: Pick<ServerContextInput, 'request' | 'req'>, trustProxy: boolean): string | null {
  if (trustProxy) {
    const forwarded = initial.request?.headers.get('x-forwarded-for') ?? initial.req?.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return initial.req?.socket.remoteAddress ?? null;
}

/**
 * The origin the client reached: the request URL's, or X-Forwarded-Proto/-Host behind a trusted
 * proxy; null in-process without a request.
 */
export function requestOrigin(initial: Pick<ServerContextInput, 'request'>, trustProxy: boolean): string | null {
  if (!initial.request) return null;
  const url = new URL(initial.request.url);
  if (trustProxy) {
    const first = (name: string) => initial.request?.headers.get(name)?.split(',')[0]?.trim() || null;
    const proto = first('x-forwarded-proto');
    const host = first('x-forwarded-host');
    if (proto === 'http' || proto === 'https') url.protocol = `${proto}:`;
    if (host && /^[A-Za-z0-9.:[\]-]+$/.test(host)) url.host = host;
  }
  return url.origin;
}

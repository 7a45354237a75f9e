import { SESSION_ENDED } from './session-streams.js';
import type { IncomingMessage, Server } from 'node:http';
import { GraphQLError, type DocumentNode, type execute, type subscribe } from 'graphql';
import type { YogaServerInstance } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { TokenService } from '../auth/tokens.js';
import type { ViewerLoader } from '../auth/viewer-cache.js';
import type { Config } from '../config.js';
import type { Context } from '../context.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { RateLimitedError } from '../errors.js';
import { REQUEST_BODY_LIMIT_BYTES } from '../http/body-limit.js';
import type { Logger } from '../observability/logger.js';
import { clientIp, type ServerContextInput } from './request-context.js';
import type { RateLimits } from './rate-limits.js';
import type { RedisConnections } from './redis.js';
import { createConnectionCounter } from './ws-connections.js';
import { documentIdOf, trustedDocumentError, type TrustedDocuments } from './trusted-documents.js';

interface EnvelopedRoot {
  execute: (args: unknown) => ReturnType<typeof execute>;
  subscribe: (args: unknown) => ReturnType<typeof subscribe>;
}

export interface WsOptions {
  viewers: ViewerLoader;
  tokens: TokenService;
  limits: RateLimits | null;
  /** Where the connections per user are counted across replicas (src/server/ws-connections.ts); null: here. */
  redis: RedisConnections | null;
  logger: Logger;
  trustProxy: boolean;
  settings: Config['ws'];
}

/** Close codes: graphql-ws' own 4403 (Forbidden) for a refused connection_init, and these. */
export const WS_CLOSE = { unauthorized: 4401, tooManyConnections: 4429, tryAgainLater: 1013 } as const;

const BEARER = /^Bearer\s+(\S+)$/i;

function authorizationParam(params: Readonly<Record<string, unknown>> | undefined): string | null {
  const value = params?.authorization ?? params?.Authorization;
  return typeof value === 'string' ? value : null;
}

/**
 * graphql-ws on the GraphQL path of `http`: each subscription runs through Yoga's envelop (same
 * plugins, same context factory), authenticated by connection params. The trusted-documents
 * policy applies as over HTTP: a payload may carry `documentId` (or Apollo's persisted-query
 * extension) with an empty `query`, and under `allow` a `query` sent with its APQ hash is checked
 * and kept as over HTTP. Resolves `close` once every socket is closed.
 *
 * Hardening (docs/hardening.md): messages are capped at the HTTP body limit before parsing; new
 * connections are rate-limited per address; `connection_init` must come within the init timeout
 * and carry a valid token of an active account (else 4403); connections per user (counted across
 * the replicas sharing Redis) and subscriptions per connection are capped; every connection
 * re-checks its token and account periodically and is closed with 4401 once the token expired or
 * the account was suspended or deleted.
 */
export function attachGraphqlWs(
  http: Server,
  yoga: YogaServerInstance<ServerContextInput, Context>,
  trusted: TrustedDocuments,
  options: WsOptions,
): { close(): Promise<void> } {
  const { settings, viewers, tokens, logger } = options;
  const wsServer = new WebSocketServer({
    server: http,
    path: yoga.graphqlEndpoint,
    maxPayload: REQUEST_BODY_LIMIT_BYTES,
    verifyClient: (
      info: { req: IncomingMessage },
      done: (ok: boolean, code?: number, message?: string, headers?: Record<string, string>) => void,
    ) => {
      if (!options.limits) return done(true);
      options.limits.wsConnection(clientIp({ req: info.req }, options.trustProxy)).then(
        () => done(true),
        (err: unknown) => {
          if (err instanceof RateLimitedError) {
            done(false, 429, 'Too Many Requests', { 'Retry-After': String(err.details?.retryAfter ?? 1) });
          } else {
            logger.error({ err }, 'websocket rate limit failed');
            done(true);
          }
        },
      );
    },
  });
  const perUser = createConnectionCounter({ max: settings.maxConnectionsPerUser, redis: options.redis, logger });
  const rechecks = new Map<object, NodeJS.Timeout>();

  const cleanup = useServer<Record<string, unknown>, { request: IncomingMessage; release?: () => void }>(
    {
      connectionInitWaitTimeout: settings.initTimeoutMs,
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args),
      onConnect: async (ctx) => {
        const authorization = authorizationParam(ctx.connectionParams);
        const socket = ctx.extra.socket;
        let viewer;
        try {
          viewer = await viewers.load(authorization);
        } catch (err) {
          if (!isDatabaseUnavailable(err)) throw err;
          logger.warn({ err }, 'database unavailable while authenticating a websocket');
          socket.close(WS_CLOSE.tryAgainLater, 'Service unavailable, retry later');
          return false;
        }
        if (!viewer) return false; // 4403 Forbidden
        const release = await perUser.acquire(viewer.id);
        if (!release) {
          socket.close(WS_CLOSE.tooManyConnections, 'Too many connections for this account');
          return false;
        }
        if (socket.readyState !== socket.OPEN) {
          // Gone while its place was taken: onClose has run already.
          release();
          return false;
        }
        ctx.extra.release = release;
        const token = BEARER.exec(authorization!.trim())![1]!;
        // The streams end when the token expires or the account is suspended or deleted.
        const timer = setInterval(() => {
          void Promise.all([tokens.verify(token), viewers.load(authorization)]).then(
            ([userId, current]) => {
              if (!userId || !current) socket.close(WS_CLOSE.unauthorized, SESSION_ENDED);
            },
            (err: unknown) => logger.warn({ err }, 'websocket re-authentication failed; will retry'),
          );
        }, settings.authRecheckMs);
        timer.unref();
        rechecks.set(ctx, timer);
        return true;
      },
      onClose: (ctx) => {
        clearInterval(rechecks.get(ctx));
        rechecks.delete(ctx);
        ctx.extra.release?.();
      },
      onSubscribe: async (ctx, _id, payload) => {
        // ctx.subscriptions already holds this one.
        if (Object.keys(ctx.subscriptions).length > settings.maxSubscriptionsPerConnection) {
          return [
            new GraphQLError(`At most ${settings.maxSubscriptionsPerConnection} subscriptions per connection.`, {
              extensions: { code: 'QUERY_LIMIT_EXCEEDED' },
            }),
          ];
        }
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
          connectionParams: ctx.connectionParams,
        });
        // Connection params first (where browsers put the token), then the upgrade request's headers.
        // The credential is the one the connection was authenticated with and the operation runs
        // as (connection params only, either case): never the upgrade request's header.
        const headers = {
          get: (name: string): string | null => {
            if (name.toLowerCase() === 'authorization') return authorizationParam(ctx.connectionParams);
            const param = ctx.connectionParams?.[name];
            if (typeof param === 'string') return param;
            const header = ctx.extra.request.headers[name];
            return typeof header === 'string' ? header : null;
          },
        };
        const id = documentIdOf(payload);
        let document: DocumentNode;
        let persistedQuery: string | null = null;
        if (id !== null && !payload.query) {
          const found = await trusted.documentFor(id);
          if (!found) return [trusted.notFoundError(payload)];
          document = found;
        } else {
          if (!(await trusted.maySendText({ id: null, headers })))
            return [trustedDocumentError('required', trusted.mode)];
          try {
            persistedQuery = trusted.persistedQueryHash(payload);
          } catch (err) {
            if (err instanceof GraphQLError) return [err];
            throw err;
          }
          // A document kept by APQ under this hash has this very text: reuse its parse.
          document =
            (persistedQuery !== null && trusted.persistedQueries?.get(persistedQuery)?.document) ||
            parse(payload.query);
        }
        const errors = validate(schema, document);
        if (errors.length > 0) return errors;
        // Under `allow`, a document sent with its APQ hash is kept for requests by hash alone.
        if (persistedQuery !== null)
          trusted.persistedQueries?.add({ id: persistedQuery, text: payload.query, document });
        return {
          schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
      },
    },
    wsServer,
  );
  // graphql-ws reports every socket error (an oversized message, a reset) with console.error; ws
  // closes the socket itself (1009 for a message over maxPayload): log it at debug instead.
  wsServer.on('connection', (socket) => {
    socket.removeAllListeners('error');
    socket.on('error', (err) => logger.debug({ err: err.message }, 'websocket error'));
  });
  return {
    async close() {
      perUser.close();
      await cleanup.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}

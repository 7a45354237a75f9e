import type { DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { performance } from 'node:perf_hooks';
import type { Context } from '../context.js';
import { operationOf } from './graphql-metrics.js';
import type { Logger } from './logger.js';
import { requestInfo } from './request-info.js';

/**
 * Echoes the request id (the client's `x-request-id`, or the one generated) in the response's
 * `x-request-id` header, and logs one line per GraphQL request: id, operation, status, duration.
 * The resolvers' own lines carry the same id, the client and the viewer (src/server/context.ts).
 */
export function useRequestLog(logger: Logger): Plugin {
  // The operation, from the parsed document (clients often send no operationName): into the
  // request's info (metrics, the log line), the context and its logger (resolver lines, the error log).
  const noteOperation = (args: { document: DocumentNode; operationName?: string | null; contextValue: unknown }) => {
    const { name, type } = operationOf(args.document, args.operationName);
    const ctx = args.contextValue as Partial<Context> & { request?: Request };
    if (ctx.request) Object.assign(requestInfo(ctx.request), { operationName: name, operationType: type });
    // The context's logger already names the operation the client sent (src/server/context.ts).
    if (ctx.logger && name && name !== ctx.operationName) ctx.logger = ctx.logger.child({ operationName: name });
    ctx.operationName = name;
  };
  return {
    onExecute({ args }) {
      noteOperation(args);
    },
    onSubscribe({ args }) {
      noteOperation(args);
    },
    onResponse({ request, response }) {
      const info = requestInfo(request);
      response.headers.set('x-request-id', info.id);
      if (!info.graphql || !logger.isLevelEnabled('info')) return;
      logger.info(
        {
          requestId: info.id,
          operationName: info.operationName ?? null,
          operationType: info.operationType,
          client: request.headers.get('graphql-client-name') ?? undefined,
          clientVersion: request.headers.get('graphql-client-version') ?? undefined,
          status: response.status,
          durationMs: Math.round((performance.now() - info.startedAt) * 100) / 100,
        },
        'graphql request',
      );
    },
  };
}

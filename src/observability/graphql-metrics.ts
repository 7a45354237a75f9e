import { getOperationAST, type DocumentNode, type ExecutionResult, type GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { performance } from 'node:perf_hooks';
import type { Metrics, Transport } from './metrics.js';
import { requestInfo } from './request-info.js';

/** Operation name (null: anonymous) and type of the operation a document runs. */
export function operationOf(document: DocumentNode, operationName?: string | null) {
  const op = getOperationAST(document, operationName);
  return { name: op?.name?.value ?? null, type: op?.operation ?? 'unknown' };
}

interface TransportHints {
  request?: Request;
  socket?: unknown;
  connectionParams?: unknown;
}

/** Whether an operation's context came over graphql-ws (its socket or connection params), not HTTP. */
const overGraphqlWs = (context: unknown) => {
  const hints = context as TransportHints;
  return !hints.request && Boolean(hints.socket || hints.connectionParams);
};

/**
 * GraphQL metrics: request and execution durations by (bounded) operation name and type, errors by
 * `extensions.code`, open subscriptions by transport. Place it after useErrorCodes so it counts
 * the codes clients see.
 */
export function useGraphqlMetrics(metrics: Metrics): Plugin {
  const labelsOf = (request: Request) => {
    const info = requestInfo(request);
    return { operation: metrics.operationLabel(info.operationName), type: info.operationType ?? 'unknown' };
  };
  return {
    onRequest({ request }) {
      requestInfo(request);
    },
    onExecute({ args }) {
      const { name, type } = operationOf(args.document, args.operationName);
      // A query or mutation over graphql-ws has no HTTP response: its errors are counted here.
      const overWs = overGraphqlWs(args.contextValue);
      const startedAt = performance.now();
      return {
        onExecuteDone({ result }) {
          const labels = { operation: metrics.operationLabel(name), type };
          metrics.operationDuration.observe(labels, (performance.now() - startedAt) / 1000);
          if (overWs && !isAsyncIterable(result)) countErrors(metrics, labels.operation, result.errors);
        },
      };
    },
    onSubscribe({ args }) {
      const transport: Transport = overGraphqlWs(args.contextValue) ? 'ws' : 'sse';
      const operation = metrics.operationLabel(operationOf(args.document, args.operationName).name);
      return {
        onSubscribeResult({ result }) {
          if (!isAsyncIterable(result)) {
            // Refused at the start; over SSE onResultProcess counts it.
            if (transport === 'ws') countErrors(metrics, operation, (result as ExecutionResult).errors);
            return;
          }
          metrics.subscriptions.inc({ transport });
          return {
            // Errors in events of the stream (neither transport's result passes onResultProcess).
            onNext: ({ result: item }) => countErrors(metrics, operation, item.errors),
            onEnd: () => metrics.subscriptions.dec({ transport }),
          };
        },
      };
    },
    onResultProcess({ request, result }) {
      if (Array.isArray(result) || isAsyncIterable(result)) return;
      const errors = (result as ExecutionResult).errors;
      if (errors?.length) countErrors(metrics, labelsOf(request).operation, errors);
    },
    onResponse({ request, response }) {
      const info = requestInfo(request);
      if (!info.graphql) return;
      metrics.requestDuration.observe(
        { ...labelsOf(request), status: String(response.status) },
        (performance.now() - info.startedAt) / 1000,
      );
    },
  };
}

function countErrors(metrics: Metrics, operation: string, errors: readonly GraphQLError[] | undefined): void {
  for (const error of errors ?? []) {
    const code = typeof error.extensions?.code === 'string' ? error.extensions.code : 'UNKNOWN';
    metrics.errors.inc({ operation, code });
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

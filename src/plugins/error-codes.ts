import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from '../db/unavailable.js';
import { AppError, httpExtension, ServiceUnavailableError } from '../errors.js';

/** Hears each unexpected error before it is masked (the error log). Must not throw or block. */
export type UnexpectedErrorListener = (
  error: Error,
  where: { requestId: string; operation: string | null; path: string | null },
) => void;

/**
 * Every error a client sees carries `extensions.code`:
 * - domain errors (AppError) become their code with their message;
 * - GraphQL's own input errors (bad variables, scalar parsing) become BAD_USER_INPUT;
 * - anything else is an unexpected failure: logged with the request id and stack, and replaced
 *   by "Unexpected error." with INTERNAL_SERVER_ERROR and the request id, never the stack.
 */
export function useErrorCodes(options: { onUnexpected?: UnexpectedErrorListener } = {}): Plugin<Context> {
  const { onUnexpected } = options;
  return {
    // Errors raised before execution (parse, validation, query limits) have no context: make
    // sure they carry a code too.
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || !('errors' in result) || !result.errors?.length) return;
      if (result.errors.every((e) => e.extensions?.code)) return;
      setResult({ ...result, errors: result.errors.map(withCode) });
    },
    onExecute() {
      return {
        onExecuteDone({ args, result, setResult }) {
          if (!('errors' in result) || !result.errors?.length) return;
          const ctx = args.contextValue;
          setResult({ ...result, errors: result.errors.map((e) => toClientError(e, ctx, onUnexpected)) });
        },
      };
    },
    // Subscriptions: an error when the subscription starts (e.g. not signed in), and errors in
    // each event of the stream.
    onSubscribe() {
      return {
        onSubscribeResult({ args, result, setResult }) {
          const ctx = args.contextValue;
          if ('errors' in result && result.errors?.length) {
            setResult({ ...result, errors: result.errors.map((e) => toClientError(e, ctx, onUnexpected)) });
            return;
          }
          return {
            onNext({ result: item, setResult: setItem }) {
              if (item.errors?.length) {
                setItem({ ...item, errors: item.errors.map((e) => toClientError(e, ctx, onUnexpected)) });
              }
            },
          };
        },
      };
    },
  };
}

/** Query-limit rejections from graphql-armor say "… limit of N exceeded". */
const LIMIT = /limit of \d+ exceeded/i;

function withCode(error: GraphQLError): GraphQLError {
  if (error.extensions?.code) return error;
  const code = LIMIT.test(error.message) ? 'QUERY_LIMIT_EXCEEDED' : 'BAD_USER_INPUT';
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: { ...error.extensions, code },
  });
}

export function toClientError(error: GraphQLError, ctx: Context, onUnexpected?: UnexpectedErrorListener): GraphQLError {
  const base = { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path };
  // A database that is away or too slow is a retryable condition, not a bug.
  const original = isDatabaseUnavailable(error.originalError)
    ? new ServiceUnavailableError(RETRY_AFTER_SECONDS)
    : error.originalError;
  if (original instanceof AppError) {
    if (original.code === 'SERVICE_UNAVAILABLE') {
      ctx.logger.warn({ err: error.originalError, path: error.path?.join('.') }, 'database unavailable');
    }
    const http = httpExtension(original);
    return new GraphQLError(original.message, {
      ...base,
      extensions: { ...original.details, code: original.code, ...(http ? { requestId: ctx.requestId, http } : {}) },
    });
  }
  if (original instanceof GraphQLError) {
    // Thrown by a library as a client error (query limits, a scalar's parse function).
    return new GraphQLError(original.message, {
      ...base,
      extensions: { ...original.extensions, code: original.extensions.code ?? 'BAD_USER_INPUT' },
    });
  }
  if (!original) {
    return error.extensions.code
      ? error
      : new GraphQLError(error.message, { ...base, extensions: { ...error.extensions, code: 'BAD_USER_INPUT' } });
  }
  const path = error.path?.join('.') ?? null;
  ctx.logger.error({ err: original, requestId: ctx.requestId, path }, 'unexpected error in resolver');
  try {
    onUnexpected?.(original, { requestId: ctx.requestId, operation: ctx.operationName, path });
  } catch (err) {
    ctx.logger.error({ err }, 'error log could not record an error');
  }
  return new GraphQLError('Unexpected error.', {
    ...base,
    extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: ctx.requestId },
  });
}

import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ViewerLoader } from '../auth/viewer-cache.js';
import type { TokenService } from '../auth/tokens.js';
import type { Logger } from '../observability/logger.js';

const BEARER = /^Bearer\s+(\S+)$/i;

/** Said (as the stream's last message) when its session ends: the same words the WebSocket close gives. */
export const SESSION_ENDED = 'Unauthorized: token expired or account no longer active';

/**
 * Subscriptions over HTTP (SSE) end with their session, as WebSocket ones do (src/server/ws.ts):
 * every `recheckMs` the request's token is verified again and its account looked up; when the
 * token has expired or the account is suspended or deleted, the stream sends one
 * `UNAUTHENTICATED` error and ends. A recheck that fails (the database away) is retried at the
 * next tick and ends nothing. Subscriptions over graphql-ws carry no request: the socket's own
 * recheck closes those.
 */
export function useSessionBoundStreams(options: {
  viewers: ViewerLoader;
  tokens: TokenService;
  recheckMs: number;
  logger: Logger;
}): Plugin {
  return {
    onSubscribe({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      const authorization = request?.headers.get('authorization') ?? null;
      const token = authorization ? BEARER.exec(authorization.trim())?.[1] : undefined;
      if (!authorization || !token) return;
      const stillValid = async () => {
        const [userId, viewer] = await Promise.all([options.tokens.verify(token), options.viewers.load(authorization)]);
        return userId !== null && viewer !== null;
      };
      return {
        onSubscribeResult({ result, setResult }) {
          if (!(Symbol.asyncIterator in result)) return;
          setResult(endWithSession(result, stillValid, options));
        },
      };
    },
  };
}

/**
 * `source`, until the session ends. An iterator object rather than an async generator: a
 * generator waiting for the next event could not take `return()` (the client went away) until
 * that event came, and its recheck timer would run on meanwhile.
 */
function endWithSession(
  source: AsyncIterable<ExecutionResult>,
  stillValid: () => Promise<boolean>,
  options: { recheckMs: number; logger: Logger },
): AsyncIterableIterator<ExecutionResult> {
  const iterator = source[Symbol.asyncIterator]();
  let ended!: () => void;
  const sessionEnded = new Promise<'ended'>((resolve) => (ended = () => resolve('ended')));
  let finished = false;
  const timer = setInterval(() => {
    stillValid().then(
      (valid) => valid || ended(),
      (err: unknown) => options.logger.warn({ err }, 'stream re-authentication failed; will retry'),
    );
  }, options.recheckMs);
  timer.unref();
  const finish = async (): Promise<IteratorResult<ExecutionResult>> => {
    if (!finished) {
      finished = true;
      clearInterval(timer);
      await iterator.return?.();
    }
    return { done: true, value: undefined };
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      if (finished) return { done: true, value: undefined };
      const next = await Promise.race([iterator.next(), sessionEnded]);
      if (next === 'ended') {
        await finish();
        const error = new GraphQLError(SESSION_ENDED, { extensions: { code: 'UNAUTHENTICATED' } });
        return { done: false, value: { errors: [error] } };
      }
      if (next.done) await finish();
      return next;
    },
    return: finish,
    async throw(err: unknown) {
      await finish();
      throw err;
    },
  };
}

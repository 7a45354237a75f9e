import type { Server } from 'node:http';
import type { execute, subscribe } from 'graphql';
import type { YogaServerInstance } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Context } from '../context.js';
import type { ServerContextInput } from './context.js';

interface EnvelopedRoot {
  execute: (args: unknown) => ReturnType<typeof execute>;
  subscribe: (args: unknown) => ReturnType<typeof subscribe>;
}

/**
 * graphql-ws on the GraphQL path of `http`: each subscription runs through Yoga's envelop (same
 * plugins, same context factory), authenticated by connection params. Resolves `close` once
 * every socket is closed.
 */
export function attachGraphqlWs(
  http: Server,
  yoga: YogaServerInstance<ServerContextInput, Context>,
): { close(): Promise<void> } {
  const wsServer = new WebSocketServer({ server: http, path: yoga.graphqlEndpoint });
  const cleanup = useServer(
    {
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args),
      onSubscribe: async (ctx, _id, payload) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
          connectionParams: ctx.connectionParams,
        });
        const document = parse(payload.query);
        const errors = validate(schema, document);
        if (errors.length > 0) return errors;
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
  return {
    async close() {
      await cleanup.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}

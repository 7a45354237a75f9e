import type { Server } from 'node:http';
import type { DocumentNode, execute, GraphQLError, subscribe } from 'graphql';
import type { YogaServerInstance } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Context } from '../context.js';
import type { ServerContextInput } from './context.js';
import { documentIdOf, trustedDocumentError, type TrustedDocuments } from './trusted-documents.js';

interface EnvelopedRoot {
  execute: (args: unknown) => ReturnType<typeof execute>;
  subscribe: (args: unknown) => ReturnType<typeof subscribe>;
}

/**
 * graphql-ws on the GraphQL path of `http`: each subscription runs through Yoga's envelop (same
 * plugins, same context factory), authenticated by connection params. The trusted-documents
 * policy applies as over HTTP: a payload may carry `documentId` (or Apollo's persisted-query
 * extension) with an empty `query`. Resolves `close` once every socket is closed.
 */
export function attachGraphqlWs(
  http: Server,
  yoga: YogaServerInstance<ServerContextInput, Context>,
  trusted: TrustedDocuments,
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
        // Connection params first (where browsers put the token), then the upgrade request's headers.
        const headers = {
          get: (name: string): string | null => {
            const param = ctx.connectionParams?.[name];
            if (typeof param === 'string') return param;
            const header = ctx.extra.request.headers[name];
            return typeof header === 'string' ? header : null;
          },
        };
        const id = documentIdOf(payload);
        let document: DocumentNode;
        if (id !== null && !payload.query) {
          const found = await trusted.documentFor(id);
          if (!found) return [trustedDocumentError('notFound', trusted.mode)] as GraphQLError[];
          document = found;
        } else {
          if (!(await trusted.maySendText({ id: null, headers })))
            return [trustedDocumentError('required', trusted.mode)];
          document = parse(payload.query);
        }
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

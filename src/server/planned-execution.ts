import type { DocumentNode, ExecutionArgs, GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { execute, isFullyPlanned, plan, type Plan } from '../planner/index.js';

/**
 * Runs a published document (a request carrying a `documentId`) with its SQL plan when every root
 * field of it is planned (src/planner): one statement per root field, no per-field resolvers.
 * Only the execute step is replaced: parsing, validation, limits, client status, deprecation
 * notices, usage counts, error codes and headers are the generic path's own plugins, unchanged.
 * Whatever the plan cannot answer exactly (no viewer, variables that do not coerce, a page size
 * out of range, a row that is missing or not the viewer's) runs the generic executor, which gives
 * the reference answer, errors included.
 *
 * Plans are attached to the store's parsed DocumentNode (one per published document), so a
 * document is planned once per process, against the schema it runs with.
 */
/**
 * Whether the request ran a published document: Yoga's persisted-operations plugin replaces the
 * params' query of a request that sent a document id by this marker (the document is the store's).
 */
const PERSISTED = /^__PERSISTED_OPERATION_.+__$/;
const isPublished = (params: { query?: unknown } | undefined) =>
  typeof params?.query === 'string' && PERSISTED.test(params.query);

export function usePlannedExecution(): Plugin<Context> {
  const plans = new WeakMap<DocumentNode, Plan>();
  const planOf = (schema: GraphQLSchema, document: DocumentNode, operationName?: string | null) => {
    let found = plans.get(document);
    if (!found) {
      found = plan(schema, document, operationName);
      plans.set(document, found);
    }
    return found;
  };
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const ctx = args.contextValue as Context & { params?: { query?: unknown } };
      if (!isPublished(ctx.params)) return;
      const planned = planOf(args.schema, args.document, args.operationName);
      if (!isFullyPlanned(planned)) return;
      setExecuteFn(async (a: ExecutionArgs) => {
        const answer = await execute(
          planned,
          a.schema,
          { db: ctx.db, viewer: ctx.viewer, now: ctx.now },
          a.variableValues ?? undefined,
        );
        return answer ?? executeFn(a);
      });
    },
  };
}

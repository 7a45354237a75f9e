import type { DocumentNode, ExecutionArgs, ExecutionResult, GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import type { StoredDocument } from '../versioning/document-store.js';
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
 * Plans are attached to the store's parsed DocumentNode (one per published document): made when
 * the store loads the document (`prepare`, at start-up for every active one), against the schema
 * this process runs, so a restart with a changed schema plans every document again.
 */
/**
 * Whether the request ran a published document: Yoga's persisted-operations plugin replaces the
 * params' query of a request that sent a document id by this marker (the document is the store's).
 */
const PERSISTED = /^__PERSISTED_OPERATION_.+__$/;
const isPublished = (params: { query?: unknown } | undefined) =>
  typeof params?.query === 'string' && PERSISTED.test(params.query);

export interface PlannedExecution {
  plugin: Plugin<Context>;
  /** Plans a published document as the store loads it (at start-up for every active one). */
  prepare(stored: StoredDocument): void;
  /** How many of the documents prepared so far are fully planned. */
  counts(): { documents: number; planned: number };
}

/**
 * The execution result of a planned answer. Its `data` is parsed only when something reads it;
 * Yoga writes the body with the result's own `stringify`, which puts the statement's JSON text in
 * as PostgreSQL wrote it: the bytes JSON.stringify writes for the parsed value (the planner builds
 * compact JSON, and the parity suite compares the bodies of both paths byte for byte). A plugin
 * that replaces the result gets a plain object, written by JSON.stringify as usual.
 */
export function plannedResult(dataJson: string): ExecutionResult {
  let parsed: ExecutionResult['data'] | undefined;
  const result = {} as ExecutionResult;
  Object.defineProperty(result, 'data', {
    enumerable: true,
    configurable: true,
    get: () => (parsed ??= JSON.parse(dataJson) as ExecutionResult['data']),
    // A plugin that sets `data` is written as it set it.
    set: (value: ExecutionResult['data']) => {
      parsed = value;
    },
  });
  Object.defineProperty(result, 'stringify', {
    enumerable: false,
    value: (written: Record<string, unknown>) => {
      if (written !== result) return JSON.stringify(written);
      const members: string[] = [];
      for (const key of Object.keys(written)) {
        const json =
          key === 'data' ? (parsed === undefined ? dataJson : JSON.stringify(parsed)) : JSON.stringify(written[key]);
        if (json !== undefined) members.push(`${JSON.stringify(key)}:${json}`);
      }
      return `{${members.join(',')}}`;
    },
  });
  return result;
}

export function createPlannedExecution(schema: GraphQLSchema): PlannedExecution {
  const plans = new WeakMap<DocumentNode, Plan>();
  const planOf = (document: DocumentNode, operationName?: string | null) => {
    let found = plans.get(document);
    if (!found) {
      found = plan(schema, document, operationName);
      plans.set(document, found);
    }
    return found;
  };
  let documents = 0;
  let planned = 0;
  const prepare = (stored: StoredDocument) => {
    documents += 1;
    if (isFullyPlanned(planOf(stored.document, stored.operationName))) planned += 1;
  };
  const plugin: Plugin<Context> = {
    onExecute({ args, executeFn, setExecuteFn }) {
      const ctx = args.contextValue as Context & { params?: { query?: unknown } };
      if (!isPublished(ctx.params)) return;
      const found = planOf(args.document, args.operationName);
      if (!isFullyPlanned(found)) return;
      setExecuteFn(async (a: ExecutionArgs) => {
        const answer = await execute(
          found,
          a.schema,
          {
            db: ctx.db,
            viewer: ctx.viewer,
            now: ctx.now,
            onError: (err) => ctx.logger.warn({ err }, 'planned statement failed; answered by the generic path'),
          },
          a.variableValues ?? undefined,
        );
        return answer ? plannedResult(answer.dataJson) : executeFn(a);
      });
    },
  };
  return { plugin, prepare, counts: () => ({ documents, planned }) };
}

import { createHash } from 'node:crypto';
import {
  getOperationAST,
  getVariableValues,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import type { Context } from '../context.js';
import type { StoredDocument } from '../versioning/document-store.js';
import { conditionVariables, execute, isFullyPlanned, plan, shapeFact, type Plan } from '../planner/index.js';

/**
 * Runs a query document, published (a request carrying a `documentId`) or sent as text, with its
 * SQL plan when every root field of it is planned (src/planner): one statement per root field, no
 * per-field resolvers.
 * Only the execute step is replaced: parsing, validation, limits, client status, deprecation
 * notices, usage counts, error codes and headers are the generic path's own plugins, unchanged.
 * Whatever the plan cannot answer exactly (no viewer, variables that do not coerce, a page size
 * out of range, a row that is missing or not the viewer's) runs the generic executor, which gives
 * the reference answer, errors included.
 *
 * Plans of published documents are attached to the store's parsed DocumentNode: made when the store
 * loads the document (`prepare`, at start-up for every active one), against the schema this process
 * runs, so a restart with a changed schema plans every document again. A document sent as text is
 * planned on first sight and its plans kept in a bounded cache keyed by the text's hash (Config.planner).
 * A document whose `@include`/`@skip` read variables has one plan per set of their values.
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
  plannedResults.add(result);
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

/** The results plannedResult made (each one request's own). */
const plannedResults = new WeakSet<ExecutionResult>();

/**
 * `result` with `extensions` merged into its own, as `{ ...result, extensions: { ...result.extensions, ...extensions } }`
 * gives it: the same members in the same order. A planned result gets them in place, so that its
 * data stays the statement's JSON text (a copy would parse it and write it again).
 */
export function withExtensions(result: ExecutionResult, extensions: Record<string, unknown>): ExecutionResult {
  const merged = { ...result.extensions, ...extensions };
  if (!plannedResults.has(result)) return { ...result, extensions: merged };
  result.extensions = merged;
  return result;
}

export interface PlannedExecutionOptions {
  /** Config.planner: off runs every request on the generic path; `cacheSize` bounds text documents' plans. */
  enabled: boolean;
  cacheSize: number;
  /** Told of each query operation that ran: by its plan, or on the generic path. */
  onExecuted?: (operationName: string | null, path: 'planned' | 'generic') => void;
}

/** The plans of one document (and operation): one per set of values of its @include/@skip variables. */
interface Plans {
  conditions: string[];
  byShape: Map<string, Plan>;
}

export function createPlannedExecution(schema: GraphQLSchema, options: PlannedExecutionOptions): PlannedExecution {
  // Published documents: kept with the store's DocumentNode. Text: a bounded cache by the text's hash.
  const published = new WeakMap<DocumentNode, Plans>();
  const texts = options.cacheSize > 0 ? new LRUCache<string, Plans>({ max: options.cacheSize }) : null;
  const newPlans = (document: DocumentNode): Plans => ({
    conditions: conditionVariables(document),
    byShape: new Map(),
  });
  const publishedPlans = (document: DocumentNode) => {
    let found = published.get(document);
    if (!found) published.set(document, (found = newPlans(document)));
    return found;
  };
  const textPlans = (document: DocumentNode, text: string, operationName: string | null | undefined) => {
    if (!texts) return null;
    const key = createHash('sha256')
      .update(text)
      .update(`\0${operationName ?? ''}`)
      .digest('base64url');
    let found = texts.get(key);
    if (!found) texts.set(key, (found = newPlans(document)));
    return found;
  };
  const planFor = (
    plans: Plans,
    document: DocumentNode,
    operationName: string | null | undefined,
    conditions: Record<string, boolean>,
  ) => {
    const shape = plans.conditions.map((name) => (conditions[name] ? '1' : '0')).join('');
    let found = plans.byShape.get(shape);
    if (!found) plans.byShape.set(shape, (found = plan(schema, document, operationName, conditions)));
    return found;
  };
  let documents = 0;
  let planned = 0;
  const prepare = (stored: StoredDocument) => {
    documents += 1;
    const plans = publishedPlans(stored.document);
    // A document whose plan depends on variables (conditionVariables) is counted as planned when
    // its plan with all of them true, or else with all of them false, is.
    const shape = (value: boolean) => Object.fromEntries(plans.conditions.map((name) => [name, value]));
    if ([true, false].some((v) => isFullyPlanned(planFor(plans, stored.document, stored.operationName, shape(v)))))
      planned += 1;
  };
  const plugin: Plugin<Context> = {
    onExecute({ args, executeFn, setExecuteFn }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== 'query') return;
      const name = operation.name?.value ?? null;
      const generic = () => options.onExecuted?.(name, 'generic');
      const ctx = args.contextValue as Context & { params?: { query?: unknown } };
      const query = ctx.params?.query;
      const plans =
        !options.enabled || typeof query !== 'string'
          ? null
          : isPublished(ctx.params)
            ? publishedPlans(args.document)
            : textPlans(args.document, query, args.operationName);
      if (!plans) return generic();
      let conditions: Record<string, boolean> = {};
      if (plans.conditions.length) {
        const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], args.variableValues ?? {});
        // Variables that do not coerce: the generic path gives their errors.
        if (coerced.errors) return generic();
        conditions = Object.fromEntries(plans.conditions.map((n) => [n, shapeFact(coerced.coerced[n])]));
      }
      const found = planFor(plans, args.document, args.operationName, conditions);
      if (!isFullyPlanned(found)) return generic();
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
        options.onExecuted?.(name, answer ? 'planned' : 'generic');
        return answer ? plannedResult(answer.dataJson) : executeFn(a);
      });
    },
  };
  return { plugin, prepare, counts: () => ({ documents, planned }) };
}

import {
  getNamedType,
  isInputObjectType,
  isObjectType,
  Kind,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ArgumentNode,
  type ValueNode,
} from 'graphql';
import { createHash } from 'node:crypto';
import { ident, quote } from '../db/sql.js';
import { liveSql } from '../db/soft-delete.js';
import { getDatamodel } from '../generated/pothos-types.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../resolvers/page.js';
import { Compiler, enumValuesOf } from './compile.js';
import { PAGING_ARGUMENTS, type ParamSource } from './statement.js';
import { agenda, connection } from './connections.js';
import { enumCondition, flagCondition, orderColumns } from './filters.js';
import { Forms, NotPlanned, refuse } from './forms.js';

/** One root field: planned (its statement, or a constant) or not (and which field blocks it). */
export type RootPlan =
  | {
      responseKey: string;
      field: string;
      planned: true;
      /** A root `__typename`: its JSON, no statement. */
      constant?: string;
      sql: string;
      /** The statement's name: PostgreSQL prepares it once per connection. */
      statementName: string;
      params: ParamSource[];
      ownerCheck: boolean;
      /** The variables of a time window the domain function checks (from before to, at most 366 days). */
      window?: [string, string];
    }
  | { responseKey: string; field: string; planned: false; reason: string };

export interface Plan {
  operationName: string | null;
  operation: OperationDefinitionNode | null;
  /** Why the whole document is not planned (a mutation, several operations...), else null. */
  reason: string | null;
  roots: RootPlan[];
}

const formsBySchema = new WeakMap<GraphQLSchema, Forms>();

/** The SQL forms of a schema's fields, derived from its declarations once per schema. */
export function formsOf(schema: GraphQLSchema): Forms {
  let forms = formsBySchema.get(schema);
  if (!forms) {
    forms = new Forms(schema, getDatamodel());
    formsBySchema.set(schema, forms);
  }
  return forms;
}

/**
 * The variables a plan depends on, beyond binding their values: those `@include`/`@skip` read
 * (true or not), and those of a connection's paging arguments (given or null). A plan is made per
 * shape: per set of these facts.
 */
export function conditionVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  // A non-null paging variable is always given: not a fact of the shape.
  const required = new Set<string>();
  const nullable = new Set<string>();
  for (const d of document.definitions)
    if (d.kind === Kind.OPERATION_DEFINITION)
      for (const v of d.variableDefinitions ?? [])
        (v.type.kind === Kind.NON_NULL_TYPE ? required : nullable).add(v.variable.name.value);
  const paging = new Set<string>();
  const add = (args: readonly ArgumentNode[] | undefined) => {
    for (const arg of args ?? []) if (arg.value.kind === Kind.VARIABLE) names.add(arg.value.name.value);
  };
  visit(document, {
    Directive(node) {
      if (node.name.value === 'include' || node.name.value === 'skip') add(node.arguments);
    },
    Field(node) {
      for (const arg of node.arguments ?? [])
        if (PAGING_ARGUMENTS.includes(arg.name.value) && arg.value.kind === Kind.VARIABLE)
          paging.add(arg.value.name.value);
    },
  });
  for (const name of paging) if (nullable.has(name) || !required.has(name)) names.add(name);
  return [...names].sort();
}

/** A shape's fact of a variable's value: true (a condition), or given (a paging argument). */
export const shapeFact = (value: unknown): boolean => value !== null && value !== undefined && value !== false;

function planRoot(c: Compiler, node: FieldNode): { sql: string; ownerCheck: boolean; window?: [string, string] } {
  const name = node.name.value;
  const schema = c.schema;
  const field = schema.getQueryType()?.getFields()[name] ?? refuse(`Query.${name} does not exist`);
  const scopes = (field.extensions as { pothosOptions?: { authScopes?: unknown } } | undefined)?.pothosOptions
    ?.authScopes;
  if (JSON.stringify(scopes) !== JSON.stringify({ signedIn: true }))
    refuse(`Query.${name}: auth scopes other than signedIn`);
  const form = c.forms.root(name);
  const set = node.selectionSet ?? refuse(`Query.${name} without a selection`);
  const typename = getNamedType(field.type).name;
  const owner = (sql: string) => `SELECT NULL::uuid AS "owner", ${sql} AS "json"`;
  if (form.kind === 'ownConnection') {
    const filterArg = field.args.find((a) => a.name === 'filter');
    const conditions: ((t: string) => string)[] = [];
    let orderBy = form.orderBy;
    for (const arg of node.arguments ?? []) {
      if (PAGING_ARGUMENTS.includes(arg.name.value)) continue;
      const orderArg = field.args.find((a) => a.name === 'orderBy');
      if (arg.name.value === 'orderBy' && form.orders && orderArg) {
        orderBy = orderColumns(c, arg.value, orderArg.type, form.orders, form.orderBy);
        continue;
      }
      if (arg.name.value !== 'filter' || !filterArg) refuse(`Query.${name}(${arg.name.value}:) has no SQL form`);
      if (arg.value.kind === Kind.NULL) continue;
      if (arg.value.kind !== Kind.OBJECT) refuse(`Query.${name}(filter:) is not an object literal`);
      const filterType = getNamedType(filterArg!.type);
      if (!isInputObjectType(filterType)) return refuse(`Query.${name}(filter:) is not an input object`);
      for (const f of arg.value.kind === Kind.OBJECT ? arg.value.fields : []) {
        const value: ValueNode = f.value;
        const flag = form.flags?.[f.name.value];
        if (flag) {
          conditions.push((t) => flagCondition(c, t, value, flag));
          continue;
        }
        const column = form.columns?.[f.name.value];
        const rule =
          form.filters[f.name.value] ??
          (column ? (t: string, _now: string, v: string) => `${t}.${ident(column)} = ${quote(v)}` : undefined) ??
          refuse(`Query.${name}(filter: { ${f.name.value} }) has no SQL form`);
        const enumName = getNamedType(
          filterType.getFields()[f.name.value]?.type ?? refuse(`filter: { ${f.name.value} }`),
        ).name;
        const values = enumValuesOf(schema, enumName);
        conditions.push((t) => enumCondition(c, t, value, values, rule, !column));
      }
    }
    const page = c.page(node.arguments ?? [], `Query.${name}`);
    const viewer = c.param({ from: 'viewer' }, 'uuid');
    const target = c.forms.modelOf(nodeTypeOf(c, typename));
    // Each condition is compiled once per alias it is used with (the page and the count).
    const where = (t: string) =>
      [`${t}."userId" = ${viewer}`, liveSql(t), ...conditions.map((k) => k(t))].join(' AND ');
    return { sql: owner(connection(c, typename, target, where, orderBy, page, set)), ownerCheck: false };
  }
  if (form.kind === 'agenda') {
    const window: Record<string, string> = {};
    for (const arg of node.arguments ?? []) {
      if (arg.name.value === 'first') continue;
      if (arg.name.value !== 'from' && arg.name.value !== 'to')
        refuse(`Query.${name}(${arg.name.value}:) has no SQL form`);
      if (arg.value.kind !== Kind.VARIABLE) return refuse(`Query.${name}(${arg.name.value}:) is not a variable`);
      window[arg.name.value] = arg.value.name.value;
    }
    const fromVar = window.from ?? refuse(`Query.${name} without from`);
    const toVar = window.to ?? refuse(`Query.${name} without to`);
    const first = c.first(node.arguments ?? [], `Query.${name}`);
    const from = c.param({ from: 'variable', name: fromVar, type: 'datetime' }, 'timestamp(3)');
    const to = c.param({ from: 'variable', name: toVar, type: 'datetime' }, 'timestamp(3)');
    return { sql: owner(agenda(c, typename, first, from, to, set)), ownerCheck: false, window: [fromVar, toVar] };
  }
  if (form.kind === 'viewer') {
    if (node.arguments?.length) refuse(`Query.${name} with arguments`);
    const t = c.alias();
    const json = c.object(typename, t, set);
    const days = c.days.length ? `json_build_array(${c.days.join(', ')})::text` : 'NULL::text';
    const user = c.forms.modelOf(typename);
    return {
      sql: `${owner(json)}, ${days} AS "days" FROM ${ident(user.table)} ${t} WHERE ${t}."id" = ${c.param({ from: 'viewer' }, 'uuid')} AND ${liveSql(t)}`,
      ownerCheck: false,
    };
  }
  const idArg = node.arguments?.find((a) => a.name.value === 'id') ?? refuse(`Query.${name} without id`);
  if ((node.arguments?.length ?? 0) !== 1) refuse(`Query.${name} with other arguments`);
  const id =
    idArg.value.kind === Kind.VARIABLE
      ? { variable: idArg.value.name.value }
      : idArg.value.kind === Kind.STRING
        ? { literal: idArg.value.value }
        : refuse(`Query.${name}(id:) is not a string`);
  const rowId = c.param({ from: 'globalId', typename, id }, 'uuid');
  const t = c.alias();
  const json = c.object(typename, t, set);
  const model = c.forms.modelOf(typename);
  return {
    sql: `SELECT ${t}."userId" AS "owner", ${json} AS "json" FROM ${ident(model.table)} ${t} WHERE ${t}."id" = ${rowId} AND ${liveSql(t)}`,
    ownerCheck: true,
  };
}

/** The node type of a connection type. */
function nodeTypeOf(c: Compiler, connectionType: string): string {
  const connection = c.schema.getType(connectionType);
  const edges = isObjectType(connection) ? getNamedType(connection.getFields().edges?.type) : undefined;
  const node = isObjectType(edges) ? edges.getFields().node : undefined;
  return getNamedType(node?.type ?? refuse(`${connectionType} has no node`)).name;
}

/**
 * Plans a document: one SQL statement per root field that has an SQL form, the reason for the
 * others. `conditions`: the values of the variables its `@include`/`@skip` read (conditionVariables).
 */
export function plan(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName?: string | null,
  conditions: Readonly<Record<string, boolean>> = {},
): Plan {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const operation =
    operations.length === 1 ? operations[0]! : (operations.find((o) => o.name?.value === operationName) ?? null);
  const base = { operationName: operation?.name?.value ?? null, operation, roots: [] };
  if (!operation) return { ...base, reason: 'no single operation' };
  if (operation.operation !== 'query') return { ...base, reason: `a ${operation.operation} runs on the generic path` };
  if (operation.directives?.length) return { ...base, reason: 'a directive on the operation' };
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const forms = formsOf(schema);
  const values = new Map(Object.entries(conditions));
  const compiler = () => new Compiler(forms, fragments, values, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE);
  let top: ReturnType<Compiler['fields']>;
  try {
    top = compiler().fields(operation.selectionSet, 'Query');
  } catch (err) {
    if (err instanceof NotPlanned) return { ...base, reason: err.message };
    throw err;
  }
  const roots: RootPlan[] = [];
  for (const { key, name, node } of top) {
    if (name === '__typename') {
      const constant = JSON.stringify(schema.getQueryType()?.name ?? 'Query');
      roots.push({
        responseKey: key,
        field: name,
        planned: true,
        constant,
        sql: '',
        statementName: '',
        params: [],
        ownerCheck: false,
      });
      continue;
    }
    const c = compiler();
    try {
      const { sql, ownerCheck, window } = planRoot(c, node);
      const statementName = `plan_${createHash('sha1').update(sql).digest('base64url')}`;
      roots.push({
        responseKey: key,
        field: name,
        planned: true,
        sql,
        statementName,
        params: c.params,
        ownerCheck,
        window,
      });
    } catch (err) {
      if (!(err instanceof NotPlanned)) throw err;
      roots.push({ responseKey: key, field: name, planned: false, reason: err.message });
    }
  }
  return { ...base, reason: null, roots };
}

/** True when every root field is planned: the request can skip the generic path. */
export function isFullyPlanned(p: Plan): boolean {
  return p.reason === null && p.roots.length > 0 && p.roots.every((r) => r.planned);
}

/** The plan as text: which root fields are planned (and their SQL), which are not and why. */
export function explain(p: Plan, options: { sql?: boolean } = {}): string {
  const lines = [`operation ${p.operationName ?? '(anonymous)'}: ${isFullyPlanned(p) ? 'PLANNED' : 'generic path'}`];
  if (p.reason) lines.push(`  not planned: ${p.reason}`);
  for (const r of p.roots) {
    if (r.planned && r.constant) lines.push(`  ${r.responseKey}: planned, a constant`);
    else if (r.planned) {
      lines.push(`  ${r.responseKey}: planned, one statement, ${r.params.length} parameter(s)`);
      if (options.sql) lines.push(`    ${r.sql}`);
    } else lines.push(`  ${r.responseKey}: not planned: ${r.reason}`);
  }
  return lines.join('\n');
}

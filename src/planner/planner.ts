import {
  getNamedType,
  getVariableValues,
  GraphQLObjectType,
  isAbstractType,
  isNonNullType,
  Kind,
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { createHash } from 'node:crypto';
import { queryRows, type Db } from '../db/client.js';
import { mayAccess } from '../resolvers/access.js';
import { dayBounds } from '../resolvers/agenda/day-bounds.js';
import { MAX_AGENDA_DAYS } from '../resolvers/agenda/get-agenda.js';
import { checkDate } from '../resolvers/shared.js';
import type { Viewer } from '../resolvers/context.js';
import { ROOT_FORMS, SQL_FORMS, TABLES, type SqlForm } from './sql-forms.js';

/** Pothos' connection limit (src/schema/builder.ts maxConnectionSize): larger pages run generic. */
const MAX_PAGE = 100;

/** Where a bind parameter's value comes from at request time. */
type ParamSource =
  | { from: 'variable'; name: string; type: 'int' | 'text' | 'datetime' | 'boolean'; max?: number }
  | { from: 'literal'; value: string | number }
  | { from: 'viewer' }
  | { from: 'now' }
  | { from: 'globalId'; typename: string; id: { variable: string } | { literal: string } };

/** One root field: planned (its statement) or not (and which field blocks it). */
export type RootPlan =
  | {
      responseKey: string;
      field: string;
      planned: true;
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

/** Stands for a non-null relation whose row is missing: the answer is the generic path's. */
const MISSING = '{"__planner_missing__":true}';

class NotPlanned extends Error {}
const refuse = (reason: string): never => {
  throw new NotPlanned(reason);
};

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/*
 * The statements build each answer as text, the compact JSON that JSON.stringify writes for the
 * same value (keys in selection order, no spaces; PostgreSQL's own json output has spaces), so
 * the server sends it as it comes (src/server/planned-execution.ts). Every piece is non-null
 * JSON text: a scalar goes through to_json (strings escaped as JSON.stringify escapes them),
 * a missing value is `null`.
 */
/** A scalar SQL value (text, int, boolean, json) as JSON text. */
const jsonScalar = (expr: string) => `COALESCE(to_json(${expr})::text, 'null')`;
/** A constant as JSON text. */
const jsonConst = (value: string | boolean) => quote(JSON.stringify(value));
/** An object of [key, JSON text] pairs. */
const jsonObject = (pairs: (readonly [string, string])[]) =>
  pairs.length === 0
    ? `'{}'`
    : `concat(${pairs.map(([key, json], i) => `${quote(`${i ? ',' : '{'}${JSON.stringify(key)}:`)}, ${json}`).join(', ')}, '}')`;
/** An aggregate: the JSON texts `item` of the group's rows, in `order` (and where `filter`), as an array. */
const jsonArrayAgg = (item: string, order: string, filter?: string) =>
  `COALESCE('[' || string_agg(${item}, ',' ORDER BY ${order})${filter ? ` FILTER (WHERE ${filter})` : ''} || ']', '[]')`;
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
const base64 = (sqlText: string) => `translate(encode(convert_to(${sqlText}, 'UTF8'), 'base64'), E'\\n', '')`;
const isoDateTime = (sqlExpr: string) => `to_char(${sqlExpr}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

class Compiler {
  readonly params: ParamSource[] = [];
  /** Days the statement computed in a time zone (JSON objects), checked against dayBounds. */
  readonly days: string[] = [];
  private readonly keys = new Map<string, number>();
  private aliases = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Record<string, FragmentDefinitionNode>,
    private readonly variableTypes: Map<string, string>,
  ) {}

  alias(): string {
    this.aliases += 1;
    return `t${this.aliases}`;
  }

  param(source: ParamSource, cast: string): string {
    const key = JSON.stringify(source);
    let index = this.keys.get(key);
    if (index === undefined) {
      this.params.push(source);
      index = this.params.length;
      this.keys.set(key, index);
    }
    return `$${index}::${cast}`;
  }

  now(): string {
    return this.param({ from: 'now' }, 'timestamp(3)');
  }

  /**
   * `pageInfo` of a page read as rows `rows` numbered by "__n", `first` + 1 of them fetched;
   * `inPage` tells the rows of the page. `emptyCursor`: what start/endCursor are on an empty page
   * (SQL text; null: JSON null), as the generic path answers for that connection.
   */
  private pageInfo(
    selectionSet: SelectionSetNode | undefined,
    page: { first: string | number; cursor: string; rows: string; inPage: string; emptyCursor: string | null },
  ): string {
    const { first, cursor, rows, inPage, emptyCursor } = page;
    const edgeCursor = (direction: string) => {
      const sql = `(array_agg(${cursor} ORDER BY ${rows}."__n"${direction}) FILTER (WHERE ${inPage}))[1]`;
      return emptyCursor === null ? sql : `COALESCE(${sql}, ${emptyCursor})`;
    };
    const info: [string, string][] = [];
    for (const e of this.fields(selectionSet ?? refuse('pageInfo without a selection'), 'PageInfo')) {
      if (e.name === '__typename') info.push([e.key, jsonConst('PageInfo')]);
      else if (e.name === 'hasNextPage')
        info.push([e.key, `CASE WHEN count(*) > ${first} THEN 'true' ELSE 'false' END`]);
      else if (e.name === 'hasPreviousPage') info.push([e.key, jsonConst(false)]);
      else if (e.name === 'startCursor') info.push([e.key, jsonScalar(edgeCursor(''))]);
      else if (e.name === 'endCursor') info.push([e.key, jsonScalar(edgeCursor(' DESC'))]);
      else refuse(`PageInfo.${e.name} has no SQL form`);
    }
    return jsonObject(info);
  }

  /** The selections of a set on `typename`, fragments flattened, in order; refuses directives and repeated keys. */
  fields(set: SelectionSetNode, typename: string, seen = new Set<string>()) {
    const out: { key: string; name: string; node: FieldNode }[] = [];
    for (const s of set.selections) {
      if (s.directives?.length) refuse(`a directive on ${typename}`);
      if (s.kind === Kind.FIELD) {
        const key = s.alias?.value ?? s.name.value;
        if (seen.has(key)) refuse(`${typename}.${key} is selected twice`);
        seen.add(key);
        out.push({ key, name: s.name.value, node: s });
      } else {
        const fragment = s.kind === Kind.INLINE_FRAGMENT ? s : this.fragments[s.name.value];
        if (!fragment) return refuse(`unknown fragment on ${typename}`);
        const on = fragment.typeCondition?.name.value;
        // A fragment applies to this row when its type is the row's, or an interface or union
        // the row's type belongs to (as graphql-js decides at run time); else it is skipped.
        if (on && !this.applies(on, typename)) continue;
        out.push(...this.fields(fragment.selectionSet, typename, seen));
      }
    }
    return out;
  }

  applies(on: string, typename: string): boolean {
    if (on === typename) return true;
    const abstract = this.schema.getType(on);
    const object = this.schema.getType(typename);
    if (!abstract || !isAbstractType(abstract) || !(object instanceof GraphQLObjectType)) return false;
    return this.schema.isSubType(abstract, object);
  }

  /** `first:` of a connection: a literal or an Int variable, 1..100 (checked at request time). */
  first(args: readonly ArgumentNode[], where: string): string {
    let first: string | null = null;
    for (const arg of args) {
      if (arg.name.value !== 'first') continue;
      first = this.intParam(arg.value, where);
    }
    return first ?? refuse(`${where} without first`);
  }

  intParam(value: ValueNode, where: string, max = MAX_PAGE): string {
    if (value.kind === Kind.VARIABLE)
      return this.param({ from: 'variable', name: value.name.value, type: 'int', max }, 'int');
    if (value.kind === Kind.INT) {
      const n = Number(value.value);
      if (n < 1 || n > max) refuse(`${where}: first must be 1 to ${max}`);
      return this.param({ from: 'literal', value: n }, 'int');
    }
    return refuse(`${where}: first is not an Int`);
  }

  /** The JSON object (text) of one row of `typename` (SQL alias `row`) for a selection set. */
  object(typename: string, row: string, set: SelectionSetNode): string {
    const type = this.schema.getType(typename) as GraphQLObjectType;
    const pairs: [string, string][] = [];
    for (const { key, name, node } of this.fields(set, typename)) {
      if (name === '__typename') {
        pairs.push([key, jsonConst(typename)]);
        continue;
      }
      const field = type.getFields()[name];
      if (!field) return refuse(`${typename}.${name} does not exist`);
      if (field.deprecationReason != null) refuse(`${typename}.${name} is deprecated (reported on the generic path)`);
      const form = SQL_FORMS[`${typename}.${name}`] ?? refuse(`${typename}.${name} has no SQL form`);
      if (form.kind !== 'connection' && form.kind !== 'list' && node.arguments?.length)
        refuse(`${typename}.${name} with arguments`);
      pairs.push([key, this.value(form, field, row, node, `${typename}.${name}`)]);
    }
    return jsonObject(pairs);
  }

  /** The JSON text of one field of row `row`. */
  value(form: SqlForm, field: GraphQLField<unknown, unknown>, row: string, node: FieldNode, where: string): string {
    switch (form.kind) {
      case 'column': {
        const column = `${row}.${ident(form.column)}`;
        if (form.type === 'datetime') return jsonScalar(isoDateTime(column));
        if (form.type === 'enum') return jsonScalar(`${column}::text`);
        return jsonScalar(column);
      }
      case 'globalId': {
        // Base64 of a non-null id: nothing to escape.
        const typename = where.split('.')[0] ?? '';
        return `'"' || ${base64(`${quote(`${typename}:`)} || ${row}."id"::text`)} || '"'`;
      }
      case 'computed':
        return jsonScalar(form.sql(row, form.usesNow ? this.now() : 'NULL'));
      case 'toOne': {
        if (!node.selectionSet) return refuse(`${where} without a selection`);
        const t = this.alias();
        const inner = this.object(form.target, t, node.selectionSet);
        const one = `(SELECT ${inner} FROM ${ident(TABLES[form.target] ?? refuse(`${form.target} has no table`))} ${t} WHERE ${t}."id" = ${row}.${ident(form.foreignKey)} AND ${t}."deletedAt" IS NULL)`;
        // Non-null and missing (a deleted target): the generic path answers an error; mark it so
        // the request runs there.
        return `COALESCE(${one}, ${isNonNullType(field.type) ? quote(MISSING) : `'null'`})`;
      }
      case 'subject': {
        // One of several types by a kind column; the viewer's own live row, else null.
        const set = node.selectionSet ?? refuse(`${where} without a selection`);
        const viewer = this.param({ from: 'viewer' }, 'uuid');
        const cases = Object.entries(form.targets).map(([value, type]) => {
          const t = this.alias();
          const table = ident(TABLES[type] ?? refuse(`${type} has no table`));
          const one = `(SELECT ${this.object(type, t, set)} FROM ${table} ${t} WHERE ${t}."id" = ${row}.${ident(form.idColumn)} AND ${t}."userId" = ${viewer} AND ${t}."deletedAt" IS NULL)`;
          return `WHEN ${quote(value)} THEN ${one}`;
        });
        return `COALESCE((CASE WHEN ${row}.${ident(form.idColumn)} IS NULL THEN NULL ELSE (CASE ${row}.${ident(form.kindColumn)} ${cases.join(' ')} ELSE NULL END) END), 'null')`;
      }
      case 'list': {
        const t = this.alias();
        const l = this.alias();
        let first: string | null = null;
        for (const arg of node.arguments ?? []) {
          if (arg.name.value !== 'first') refuse(`${where}(${arg.name.value}:)`);
          first = this.intParam(arg.value, where, form.first.max);
        }
        first ??= this.param({ from: 'literal', value: form.first.default }, 'int');
        const table = ident(TABLES[form.target] ?? refuse(`${form.target} has no table`));
        const order = (a: string) => form.orderBy.map((c) => `${a}.${ident(c)}`).join(', ');
        const item = this.object(form.target, l, node.selectionSet ?? refuse(`${where} without a selection`));
        const rows = `SELECT ${t}.* FROM ${table} ${t} WHERE ${t}.${ident(form.foreignKey)} = ${row}."id" AND ${t}."deletedAt" IS NULL AND ${form.where(t, form.usesNow ? this.now() : 'NULL')} ORDER BY ${order(t)} LIMIT ${first}`;
        return `COALESCE((SELECT ${jsonArrayAgg(item, order(l))} FROM (${rows}) ${l}), '[]')`;
      }
      case 'count': {
        const t = this.alias();
        const table = ident(TABLES[form.target] ?? refuse(`${form.target} has no table`));
        return `(SELECT count(*)::text FROM ${table} ${t} WHERE ${t}.${ident(form.foreignKey)} = ${row}."id" AND ${t}."deletedAt" IS NULL AND ${form.where(t, form.usesNow ? this.now() : 'NULL')})`;
      }
      case 'todayAgenda': {
        const set = node.selectionSet ?? refuse(`${where} without a selection`);
        // The day of now in the row's time zone, as PostgreSQL computes it; the request path
        // compares it with dayBounds (the resolver's rule) and runs generic when they differ.
        const local = `date_trunc('day', (${this.now()} AT TIME ZONE 'UTC') AT TIME ZONE ${row}."timezone")`;
        const from = `((${local}) AT TIME ZONE ${row}."timezone") AT TIME ZONE 'UTC'`;
        const to = `((${local} + interval '1 day') AT TIME ZONE ${row}."timezone") AT TIME ZONE 'UTC'`;
        this.days.push(
          `json_build_object('timezone', ${row}."timezone", 'from', ${isoDateTime(from)}, 'to', ${isoDateTime(to)})`,
        );
        const m = this.alias();
        const union = this.agendaRows(`${row}."id"`, from, to, String(form.limit), [set]);
        const merged = `SELECT * FROM (${union}) ${m} ORDER BY ${m}."at", ${m}."kind", ${m}."id" LIMIT ${form.limit}`;
        const n = this.alias();
        return `COALESCE((SELECT ${jsonArrayAgg(`${n}."node1"`, `${n}."at", ${n}."kind", ${n}."id"`)} FROM (${merged}) ${n}), '[]')`;
      }
      case 'connection': {
        const conditions: ((t: string) => string)[] = [];
        for (const arg of node.arguments ?? []) {
          if (arg.name.value === 'first') continue;
          const filter = form.booleanArgs?.[arg.name.value] ?? refuse(`${where}(${arg.name.value}:)`);
          const value =
            arg.value.kind === Kind.VARIABLE
              ? this.param({ from: 'variable', name: arg.value.name.value, type: 'boolean' }, 'boolean')
              : arg.value.kind === Kind.BOOLEAN
                ? String(arg.value.value)
                : arg.value.kind === Kind.NULL
                  ? 'NULL::boolean'
                  : refuse(`${where}(${arg.name.value}:) is not a Boolean`);
          conditions.push((t) => `(${value} IS NOT TRUE OR ${filter(t)})`);
        }
        const first = this.first(node.arguments ?? [], where);
        const connectionType = getNamedType(field.type).name;
        return this.connection(
          connectionType,
          form.target,
          (t) =>
            [
              `${t}.${ident(form.foreignKey)} = ${row}."id"`,
              `${t}."deletedAt" IS NULL`,
              ...(form.where ? [form.where(t)] : []),
              ...conditions.map((c) => c(t)),
            ].join(' AND '),
          form.orderBy,
          first,
          node.selectionSet ?? refuse(`${where} without a selection`),
        );
      }
    }
  }

  /** A plugin-prisma connection (cursor `id`, forward paging with `first`) as one JSON value. */
  connection(
    connectionType: string,
    target: string,
    where: (alias: string) => string,
    orderBy: readonly string[],
    first: string,
    set: SelectionSetNode,
  ): string {
    const table = ident(TABLES[target] ?? refuse(`${target} has no table`));
    const p = this.alias();
    // `column` or `column DESC`.
    const order = (a: string) =>
      orderBy
        .map((c) => {
          const [column = '', direction = ''] = c.split(' ');
          return `${a}.${ident(column)}${direction ? ` ${direction}` : ''}`;
        })
        .join(', ');
    const cursor = base64(`'GPC:S:' || ${p}."id"::text`);
    const inPage = `${p}."__n" <= ${first}`;
    const edgeType = getNamedType(
      (this.schema.getType(connectionType) as GraphQLObjectType).getFields().edges?.type ??
        refuse(`${connectionType} has no edges`),
    ).name;
    const pairs: [string, string][] = [];
    for (const { key, name, node } of this.fields(set, connectionType)) {
      if (name === '__typename') pairs.push([key, jsonConst(connectionType)]);
      else if (name === 'totalCount') {
        const c = this.alias();
        pairs.push([key, `(SELECT count(*)::text FROM ${table} ${c} WHERE ${where(c)})`]);
      } else if (name === 'edges') {
        const edge: [string, string][] = [];
        for (const e of this.fields(node.selectionSet ?? refuse('edges without a selection'), edgeType)) {
          if (e.name === '__typename') edge.push([e.key, jsonConst(edgeType)]);
          else if (e.name === 'cursor') edge.push([e.key, jsonScalar(cursor)]);
          else if (e.name === 'node')
            edge.push([e.key, this.object(target, p, e.node.selectionSet ?? refuse('node without a selection'))]);
          else refuse(`${edgeType}.${e.name} has no SQL form`);
        }
        pairs.push([key, jsonArrayAgg(jsonObject(edge), `${p}."__n"`, inPage)]);
      } else if (name === 'pageInfo') {
        pairs.push([key, this.pageInfo(node.selectionSet, { first, cursor, rows: p, inPage, emptyCursor: null })]);
      } else refuse(`${connectionType}.${name} has no SQL form`);
    }
    const r = this.alias();
    const page = `SELECT ${r}.*, row_number() OVER (ORDER BY ${order(r)}) AS "__n" FROM ${table} ${r} WHERE ${where(r)} ORDER BY ${order(r)} LIMIT ${first} + 1`;
    // GROUP BY (): one row, also when the selection has no aggregate (only totalCount).
    return `(SELECT ${jsonObject(pairs)} FROM (${page}) ${p} GROUP BY ())`;
  }

  /**
   * The agenda (getAgenda, src/resolvers/agenda/get-agenda.ts): the viewer's live rows of each
   * kind in [from, to), merged in (time, kind, id) order, `first` of them; Pothos'
   * resolveCursorConnection pages it (cursors `base64url("<ms>:<kind>:<id>")`, '' when empty).
   */
  agenda(connectionType: string, first: string, from: string, to: string, set: SelectionSetNode): string {
    const viewer = this.param({ from: 'viewer' }, 'uuid');
    const m = this.alias();
    const cursor = `translate(encode(convert_to(floor(extract(epoch from ${m}."at") * 1000)::bigint::text || ':' || ${m}."kind"::text || ':' || ${m}."id"::text, 'UTF8'), 'base64'), E'+/=\n', '-_')`;
    const inPage = `${m}."__n" <= ${first}`;
    const edgeType = getNamedType(
      (this.schema.getType(connectionType) as GraphQLObjectType).getFields().edges?.type ??
        refuse(`${connectionType} has no edges`),
    ).name;
    const nodeSets: SelectionSetNode[] = [];
    const pairs: [string, string][] = [];
    for (const { key, name, node } of this.fields(set, connectionType)) {
      if (name === '__typename') pairs.push([key, jsonConst(connectionType)]);
      else if (name === 'edges') {
        const edge: [string, string][] = [];
        for (const e of this.fields(node.selectionSet ?? refuse('edges without a selection'), edgeType)) {
          if (e.name === '__typename') edge.push([e.key, jsonConst(edgeType)]);
          else if (e.name === 'cursor') edge.push([e.key, jsonScalar(cursor)]);
          else if (e.name === 'node') {
            nodeSets.push(e.node.selectionSet ?? refuse('node without a selection'));
            edge.push([e.key, `${m}."node${nodeSets.length}"`]);
          } else refuse(`${edgeType}.${e.name} has no SQL form`);
        }
        pairs.push([key, jsonArrayAgg(jsonObject(edge), `${m}."__n"`, inPage)]);
      } else if (name === 'pageInfo') {
        pairs.push([key, this.pageInfo(node.selectionSet, { first, cursor, rows: m, inPage, emptyCursor: "''" })]);
      } else refuse(`${connectionType}.${name} has no SQL form`);
    }
    const u = this.alias();
    const union = this.agendaRows(viewer, from, to, `${first} + 1`, nodeSets);
    const merged = `SELECT ${u}.*, row_number() OVER (ORDER BY ${u}."at", ${u}."kind", ${u}."id") AS "__n" FROM (${union}) ${u} ORDER BY ${u}."at", ${u}."kind", ${u}."id" LIMIT ${first} + 1`;
    return `(SELECT ${jsonObject(pairs)} FROM (${merged}) ${m} GROUP BY ())`;
  }

  /** getAgenda's three range reads of a user's live rows in [from, to), `limit` of each, with their node JSON. */
  agendaRows(userId: string, from: string, to: string, limit: string, nodeSets: SelectionSetNode[]): string {
    return AGENDA_KINDS.map(({ type, at }, kind) => {
      const t = this.alias();
      const nodes = nodeSets.map((ns, i) => `, ${this.object(type, t, ns)} AS "node${i + 1}"`).join('');
      const table = ident(TABLES[type] ?? refuse(`${type} has no table`));
      const time = `${t}.${ident(at)}`;
      return `(SELECT ${t}."id", ${time} AS "at", ${kind} AS "kind"${nodes} FROM ${table} ${t} WHERE ${t}."userId" = ${userId} AND ${t}."deletedAt" IS NULL AND ${time} >= ${from} AND ${time} < ${to} ORDER BY ${time}, ${t}."id" LIMIT ${limit})`;
    }).join(' UNION ALL ');
  }

  variableType(name: string): string | undefined {
    return this.variableTypes.get(name);
  }
}

/** The agenda's kinds in their tie order (getAgenda's KINDS) and the time each is placed at. */
const AGENDA_KINDS = [
  { type: 'Assignment', at: 'dueAt' },
  { type: 'Lecture', at: 'startsAt' },
  { type: 'StudySession', at: 'startsAt' },
] as const;

/** The status filter of `assignments` (listAssignments' rule) as SQL over row `t`. */
function statusCondition(c: Compiler, t: string, status: ValueNode): string {
  const now = c.now();
  const rules: Record<string, string> = {
    COMPLETED: `${t}."completedAt" IS NOT NULL`,
    UPCOMING: `${t}."completedAt" IS NULL AND ${t}."dueAt" >= ${now}`,
    OVERDUE: `${t}."completedAt" IS NULL AND ${t}."dueAt" < ${now}`,
  };
  if (status.kind === Kind.ENUM) return rules[status.value] ?? refuse(`status ${status.value}`);
  if (status.kind === Kind.NULL) return 'TRUE';
  if (status.kind === Kind.VARIABLE) {
    const s = c.param({ from: 'variable', name: status.name.value, type: 'text' }, 'text');
    return `(${s} IS NULL OR ${Object.entries(rules)
      .map(([value, rule]) => `(${s} = ${quote(value)} AND ${rule})`)
      .join(' OR ')})`;
  }
  return refuse('status is not an enum value or a variable');
}

function planRoot(
  schema: GraphQLSchema,
  c: Compiler,
  node: FieldNode,
): { sql: string; ownerCheck: boolean; window?: [string, string] } {
  const name = node.name.value;
  const field = schema.getQueryType()?.getFields()[name] ?? refuse(`Query.${name} does not exist`);
  if (field.deprecationReason != null) refuse(`Query.${name} is deprecated`);
  const scopes = (field.extensions as { pothosOptions?: { authScopes?: unknown } } | undefined)?.pothosOptions
    ?.authScopes;
  if (JSON.stringify(scopes) !== JSON.stringify({ signedIn: true }))
    refuse(`Query.${name}: auth scopes other than signedIn`);
  const form = ROOT_FORMS[name] ?? refuse(`Query.${name} has no SQL form`);
  const set = node.selectionSet ?? refuse(`Query.${name} without a selection`);
  if (form.kind === 'ownConnection') {
    let statusValue: ValueNode | null = null;
    for (const arg of node.arguments ?? []) {
      if (arg.name.value === 'first') continue;
      if (arg.name.value !== 'filter') refuse(`Query.${name}(${arg.name.value}:) has no SQL form`);
      if (arg.value.kind !== Kind.OBJECT) refuse(`Query.${name}(filter:) is not an object literal`);
      if (arg.value.kind === Kind.OBJECT)
        for (const f of arg.value.fields) {
          if (!form.filters.includes(f.name.value as 'status'))
            refuse(`Query.${name}(filter: { ${f.name.value} }) has no SQL form`);
          statusValue = f.value;
        }
    }
    const first = c.first(node.arguments ?? [], `Query.${name}`);
    const viewer = c.param({ from: 'viewer' }, 'uuid');
    const status = statusValue;
    const where = (t: string) =>
      [
        `${t}."userId" = ${viewer}`,
        `${t}."deletedAt" IS NULL`,
        ...(status ? [statusCondition(c, t, status)] : []),
      ].join(' AND ');
    const json = c.connection(getNamedType(field.type).name, form.target, where, form.orderBy, first, set);
    return { sql: `SELECT NULL::uuid AS "owner", ${json} AS "json"`, ownerCheck: false };
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
    const json = c.agenda(getNamedType(field.type).name, first, from, to, set);
    return {
      sql: `SELECT NULL::uuid AS "owner", ${json} AS "json"`,
      ownerCheck: false,
      window: [fromVar, toVar],
    };
  }
  if (form.kind === 'viewer') {
    if (node.arguments?.length) refuse(`Query.${name} with arguments`);
    const t = c.alias();
    const json = c.object(getNamedType(field.type).name, t, set);
    const days = c.days.length ? `json_build_array(${c.days.join(', ')})::text` : 'NULL::text';
    return {
      sql: `SELECT NULL::uuid AS "owner", ${json} AS "json", ${days} AS "days" FROM "User" ${t} WHERE ${t}."id" = ${c.param({ from: 'viewer' }, 'uuid')} AND ${t}."deletedAt" IS NULL`,
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
  const rowId = c.param({ from: 'globalId', typename: form.target, id }, 'uuid');
  const t = c.alias();
  const json = c.object(form.target, t, set);
  const table = ident(TABLES[form.target] ?? refuse(`${form.target} has no table`));
  return {
    sql: `SELECT ${t}."userId" AS "owner", ${json} AS "json" FROM ${table} ${t} WHERE ${t}."id" = ${rowId} AND ${t}."deletedAt" IS NULL`,
    ownerCheck: true,
  };
}

/** Plans a document: one SQL statement per root field that has an SQL form, the reason for the others. */
export function plan(schema: GraphQLSchema, document: DocumentNode, operationName?: string | null): Plan {
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
  const variableTypes = new Map(
    (operation.variableDefinitions ?? []).map((v) => [v.variable.name.value, JSON.stringify(v.type)]),
  );
  const roots: RootPlan[] = [];
  let top: ReturnType<Compiler['fields']>;
  try {
    top = new Compiler(schema, fragments, variableTypes).fields(operation.selectionSet, 'Query');
  } catch (err) {
    if (err instanceof NotPlanned) return { ...base, reason: err.message };
    throw err;
  }
  for (const { key, name, node } of top) {
    const c = new Compiler(schema, fragments, variableTypes);
    try {
      if (name === '__typename') refuse('__typename at the root');
      const { sql, ownerCheck, window } = planRoot(schema, c, node);
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
    if (r.planned) {
      lines.push(`  ${r.responseKey}: planned, one statement, ${r.params.length} parameter(s)`);
      if (options.sql) lines.push(`    ${r.sql}`);
    } else lines.push(`  ${r.responseKey}: not planned: ${r.reason}`);
  }
  return lines.join('\n');
}

export interface PlanContext {
  db: Db;
  viewer: Viewer | null;
  now: () => Date;
  /** Told when a statement fails (the generic path then answers): a plan that needs fixing. */
  onError?: (err: unknown) => void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Day {
  timezone: string;
  from: string;
  to: string;
}

/** Whether PostgreSQL's day in each time zone is dayBounds' (the resolver's rule, with Intl). */
function sameDays(days: Day[], nowIso: string): boolean {
  const now = new Date(nowIso);
  return days.every((d) => {
    const expected = dayBounds(now, d.timezone);
    return expected.from.toISOString() === d.from && expected.to.toISOString() === d.to;
  });
}

/** getAgenda's checks of a window: else the generic path answers its BAD_USER_INPUT. */
function checkWindow(from: unknown, to: unknown): void {
  if (!(from instanceof Date) || !(to instanceof Date)) throw new NotPlanned('not a window');
  try {
    checkDate(from, 'from');
    checkDate(to, 'to');
  } catch {
    throw new NotPlanned('a date out of range');
  }
  if (to <= from || to.getTime() - from.getTime() > MAX_AGENDA_DAYS * 86_400_000) throw new NotPlanned('window');
}

/** A global id of `typename` as relay encodes it, else null (the generic path answers the error). */
function decodeGlobalId(value: unknown, typename: string): string | null {
  if (typeof value !== 'string') return null;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  if (Buffer.from(decoded, 'utf8').toString('base64') !== value) return null;
  const prefix = `${typename}:`;
  if (!decoded.startsWith(prefix)) return null;
  const id = decoded.slice(prefix.length);
  return UUID.test(id) ? id : null;
}

/**
 * Runs a fully planned document: `{ data }`, or null when the request needs the generic path
 * (no viewer, variables that do not coerce, a page size out of range, a row that is not found or
 * not the viewer's...), which then produces the same answer it always does, errors included.
 */
export async function execute(
  p: Plan,
  schema: GraphQLSchema,
  ctx: PlanContext,
  rawVariables: Record<string, unknown> | undefined,
): Promise<{ dataJson: string } | null> {
  if (!isFullyPlanned(p) || !p.operation || !ctx.viewer) return null;
  const coerced = getVariableValues(schema, p.operation.variableDefinitions ?? [], rawVariables ?? {});
  if (coerced.errors) return null;
  const variables = coerced.coerced;
  const viewer = ctx.viewer;
  const now = ctx.now().toISOString();
  const bind = (source: ParamSource): unknown => {
    switch (source.from) {
      case 'viewer':
        return viewer.id;
      case 'now':
        return now;
      case 'literal':
        return source.value;
      case 'variable': {
        const value = variables[source.name];
        if (source.type === 'boolean') {
          if (value !== null && value !== undefined && typeof value !== 'boolean')
            throw new NotPlanned('not a Boolean');
          return value ?? null;
        }
        if (source.type === 'datetime') {
          if (!(value instanceof Date)) throw new NotPlanned('not a DateTime');
          return value.toISOString();
        }
        if (source.type === 'int') {
          if (typeof value !== 'number' || value < 1 || value > (source.max ?? MAX_PAGE))
            throw new NotPlanned('first out of range');
          return value;
        }
        if (value !== null && value !== undefined && typeof value !== 'string') throw new NotPlanned('not a string');
        return value ?? null;
      }
      case 'globalId': {
        const raw = 'variable' in source.id ? variables[source.id.variable] : source.id.literal;
        return (
          decodeGlobalId(raw, source.typename) ??
          (() => {
            throw new NotPlanned('not an id of ' + source.typename);
          })()
        );
      }
    }
  };
  let values: unknown[][];
  try {
    for (const r of p.roots) if (r.planned && r.window) checkWindow(variables[r.window[0]], variables[r.window[1]]);
    values = p.roots.map((r) => (r.planned ? r.params.map(bind) : []));
  } catch (err) {
    if (err instanceof NotPlanned) return null;
    throw err;
  }
  // A statement that fails (say, a time zone PostgreSQL does not know) leaves the answer to the
  // generic path.
  type Row = { owner: string | null; json: string; days?: string | null };
  let results: Row[][];
  try {
    results = await Promise.all(
      p.roots.map((r, i) =>
        r.planned ? queryRows<Row>(ctx.db, { name: r.statementName, text: r.sql }, values[i] ?? []) : [],
      ),
    );
  } catch (err) {
    ctx.onError?.(err);
    return null;
  }
  const parts: string[] = [];
  for (const [i, r] of p.roots.entries()) {
    const row = results[i]?.[0];
    if (!r.planned || !row) return null;
    if (r.ownerCheck && (row.owner === null || !mayAccess(viewer, row.owner))) return null;
    if (row.json.includes(MISSING)) return null;
    if (row.days && !sameDays(JSON.parse(row.days) as Day[], now)) return null;
    parts.push(`${JSON.stringify(r.responseKey)}:${row.json}`);
  }
  // The `data` of the answer as JSON.stringify would write it (the statements write compact JSON).
  return { dataJson: `{${parts.join(',')}}` };
}

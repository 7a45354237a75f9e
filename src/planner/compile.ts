import {
  getNamedType,
  GraphQLObjectType,
  GraphQLUnionType,
  isAbstractType,
  isEnumType,
  isNonNullType,
  Kind,
  print,
  type ArgumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLSchema,
  type SelectionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { ident, quote } from '../db/sql.js';
import { liveSql } from '../db/soft-delete.js';
import { AGENDA_SOURCES } from '../resolvers/agenda/get-agenda.js';
import { refuse, type Forms, type Form, type Model } from './forms.js';
import { cursorSql, globalIdJson, isoDateTime, jsonArrayAgg, jsonConst, jsonObject, jsonScalar } from './json-sql.js';

/** Where a bind parameter's value comes from at request time. */
export type ParamSource =
  | { from: 'variable'; name: string; type: 'int' | 'text' | 'datetime' | 'boolean'; max?: number }
  | { from: 'literal'; value: string | number }
  | { from: 'viewer' }
  | { from: 'now' }
  | { from: 'globalId'; typename: string; id: { variable: string } | { literal: string } };

/** Stands for a non-null relation whose row is missing: the answer is the generic path's. */
export const MISSING = '{"__planner_missing__":true}';

/** One selected field: its response key, its name and its node (merged with same-key selections). */
export interface Selected {
  key: string;
  name: string;
  node: FieldNode;
}

/** Compiles the statement of one root field: its SQL, bind parameters and the days it computes. */
export class Compiler {
  readonly params: ParamSource[] = [];
  /** Days the statement computed in a time zone (JSON objects), checked against dayBounds. */
  readonly days: string[] = [];
  private readonly keys = new Map<string, number>();
  private aliases = 0;

  constructor(
    readonly forms: Forms,
    private readonly fragments: Record<string, FragmentDefinitionNode>,
    /** The values of the variables `@include`/`@skip` read (the plan is made per shape). */
    private readonly conditions: ReadonlyMap<string, boolean>,
    /** Largest page a connection serves (Pothos' maxConnectionSize): larger ones run generic. */
    readonly maxPage: number,
  ) {}

  get schema(): GraphQLSchema {
    return this.forms.schema;
  }

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

  /** Whether `@include`/`@skip` keep a selection (the only directives planned). */
  private included(s: SelectionNode, typename: string): boolean {
    let keep = true;
    for (const d of s.directives ?? []) {
      const name = d.name.value;
      if (name !== 'include' && name !== 'skip') return refuse(`@${name} on ${typename}`);
      const value = d.arguments?.find((a) => a.name.value === 'if')?.value;
      let on: boolean;
      if (value?.kind === Kind.BOOLEAN) on = value.value;
      else if (value?.kind === Kind.VARIABLE)
        on = this.conditions.get(value.name.value) ?? refuse(`@${name}(if: $${value.name.value}) without its value`);
      else return refuse(`@${name} without a Boolean`);
      if (name === 'include' ? !on : on) keep = false;
    }
    return keep;
  }

  /**
   * The fields of a selection set on `typename`, in order, as graphql-js collects them: fragments
   * that apply to the type flattened, `@include`/`@skip` applied, and the selections of one response
   * key merged (the same field and arguments, as validation ensures; anything else is refused).
   */
  fields(set: SelectionSetNode, typename: string): Selected[] {
    const byKey = new Map<string, Selected>();
    const collect = (selections: readonly SelectionNode[]) => {
      for (const s of selections) {
        if (!this.included(s, typename)) continue;
        if (s.kind === Kind.FIELD) {
          const key = s.alias?.value ?? s.name.value;
          const seen = byKey.get(key);
          if (!seen) {
            byKey.set(key, { key, name: s.name.value, node: s });
            continue;
          }
          if (seen.name !== s.name.value || argumentsText(seen.node) !== argumentsText(s))
            refuse(`${typename}.${key} is selected twice with different fields or arguments`);
          if (seen.node.selectionSet && s.selectionSet)
            seen.node = {
              ...seen.node,
              selectionSet: {
                kind: Kind.SELECTION_SET,
                selections: [...seen.node.selectionSet.selections, ...s.selectionSet.selections],
              },
            };
        } else {
          const fragment = s.kind === Kind.INLINE_FRAGMENT ? s : this.fragments[s.name.value];
          if (!fragment) return refuse(`unknown fragment on ${typename}`);
          const on = fragment.typeCondition?.name.value;
          // A fragment applies to this row when its type is the row's, or an interface or union
          // the row's type belongs to (as graphql-js decides at run time); else it is skipped.
          if (on && !this.applies(on, typename)) continue;
          collect(fragment.selectionSet.selections);
        }
      }
    };
    collect(set.selections);
    return [...byKey.values()];
  }

  private applies(on: string, typename: string): boolean {
    if (on === typename) return true;
    const abstract = this.schema.getType(on);
    const object = this.schema.getType(typename);
    if (!abstract || !isAbstractType(abstract) || !(object instanceof GraphQLObjectType)) return false;
    return this.schema.isSubType(abstract, object);
  }

  /** `first:` of a connection: a literal or an Int variable, 1..max (checked at request time). */
  first(args: readonly ArgumentNode[], where: string): string {
    const arg = args.find((a) => a.name.value === 'first') ?? refuse(`${where} without first`);
    return this.intParam(arg.value, where, this.maxPage);
  }

  intParam(value: ValueNode, where: string, max: number): string {
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
      const field = type.getFields()[name] ?? refuse(`${typename}.${name} does not exist`);
      const form = this.forms.field(typename, name);
      if (form.kind !== 'connection' && form.kind !== 'list' && node.arguments?.length)
        refuse(`${typename}.${name} with arguments`);
      pairs.push([key, this.value(form, field, typename, row, node)]);
    }
    return jsonObject(pairs);
  }

  /** A live row of `model` by id, as the JSON object of `typename` for `set`; `extra`: more conditions. */
  private one(
    typename: string,
    model: Model,
    id: string,
    set: SelectionSetNode,
    extra?: (t: string) => string,
  ): string {
    const t = this.alias();
    return `(SELECT ${this.object(typename, t, set)} FROM ${ident(model.table)} ${t} WHERE ${t}."id" = ${id}${extra ? ` AND ${extra(t)}` : ''} AND ${liveSql(t)})`;
  }

  /** The JSON text of one field of row `row` (of `typename`). */
  private value(
    form: Form,
    field: GraphQLField<unknown, unknown>,
    typename: string,
    row: string,
    node: FieldNode,
  ): string {
    const where = `${typename}.${field.name}`;
    const set = () => node.selectionSet ?? refuse(`${where} without a selection`);
    switch (form.kind) {
      case 'column': {
        const column = `${row}.${ident(form.column)}`;
        if (form.type === 'datetime') return jsonScalar(isoDateTime(column));
        if (form.type === 'enum') return jsonScalar(`${column}::text`);
        return jsonScalar(column);
      }
      case 'globalId':
        return globalIdJson(typename, `${row}."id"`);
      case 'computed':
        return jsonScalar(form.sql(row, form.usesNow ? this.now() : 'NULL'));
      case 'toOne': {
        const { target, foreignKey } = form.relation;
        const one = this.one(getNamedType(field.type).name, target, `${row}.${ident(foreignKey)}`, set());
        // Non-null and missing (a deleted target): the generic path answers an error; mark it so
        // the request runs there.
        return `COALESCE(${one}, ${isNonNullType(field.type) ? quote(MISSING) : `'null'`})`;
      }
      case 'subject': {
        // One of several types by a kind column; the viewer's own live row, else null.
        const union = getNamedType(field.type);
        const types = union instanceof GraphQLUnionType ? union.getTypes() : refuse(`${where} is not a union`);
        const viewer = this.param({ from: 'viewer' }, 'uuid');
        const cases = Object.entries(form.targets).map(([value, model]) => {
          const type = this.forms.typeOf(model.name, types);
          const one = this.one(
            type.name,
            model,
            `${row}.${ident(form.idColumn)}`,
            set(),
            (t) => `${t}."userId" = ${viewer}`,
          );
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
        const { target, foreignKey } = form.relation;
        const order = (a: string) => orderSql(a, form.orderBy);
        const item = this.object(getNamedType(field.type).name, l, set());
        const rows = `SELECT ${t}.* FROM ${ident(target.table)} ${t} WHERE ${t}.${ident(foreignKey)} = ${row}."id" AND ${liveSql(t)} AND ${form.where(t, form.usesNow ? this.now() : 'NULL')} ORDER BY ${order(t)} LIMIT ${first}`;
        return `COALESCE((SELECT ${jsonArrayAgg(item, order(l))} FROM (${rows}) ${l}), '[]')`;
      }
      case 'count': {
        const t = this.alias();
        const { target, foreignKey } = form.relation;
        return `(SELECT count(*)::text FROM ${ident(target.table)} ${t} WHERE ${t}.${ident(foreignKey)} = ${row}."id" AND ${liveSql(t)} AND ${form.where(t, form.usesNow ? this.now() : 'NULL')})`;
      }
      case 'todayAgenda': {
        // The day of now in the row's time zone, as PostgreSQL computes it; the request path
        // compares it with dayBounds (the resolver's rule) and runs generic when they differ.
        const local = `date_trunc('day', (${this.now()} AT TIME ZONE 'UTC') AT TIME ZONE ${row}."timezone")`;
        const from = `((${local}) AT TIME ZONE ${row}."timezone") AT TIME ZONE 'UTC'`;
        const to = `((${local} + interval '1 day') AT TIME ZONE ${row}."timezone") AT TIME ZONE 'UTC'`;
        this.days.push(
          `json_build_object('timezone', ${row}."timezone", 'from', ${isoDateTime(from)}, 'to', ${isoDateTime(to)})`,
        );
        const m = this.alias();
        const union = this.agendaRows(`${row}."id"`, from, to, String(form.limit), [set()]);
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
        const { target, foreignKey } = form.relation;
        return this.connection(
          getNamedType(field.type).name,
          target,
          (t) =>
            [
              `${t}.${ident(foreignKey)} = ${row}."id"`,
              liveSql(t),
              ...(form.where ? [form.where(t)] : []),
              ...conditions.map((c) => c(t)),
            ].join(' AND '),
          form.orderBy,
          this.first(node.arguments ?? [], where),
          set(),
        );
      }
    }
  }

  /** The edge type and the fields of a connection type. */
  private edgeTypeOf(connectionType: string): string {
    const type = this.schema.getType(connectionType);
    const edges = type instanceof GraphQLObjectType ? type.getFields().edges : undefined;
    return getNamedType(edges?.type ?? refuse(`${connectionType} has no edges`)).name;
  }

  /**
   * `pageInfo` of a page read as rows `rows` numbered by "__n", `first` + 1 of them fetched;
   * `inPage` tells the rows of the page. `emptyCursor`: what start/endCursor are on an empty page
   * (SQL text; null: JSON null), as the generic path answers for that connection.
   */
  private pageInfo(
    set: SelectionSetNode | undefined,
    page: { first: string; cursor: string; rows: string; inPage: string; emptyCursor: string | null },
  ): string {
    const { first, cursor, rows, inPage, emptyCursor } = page;
    const edgeCursor = (direction: string) => {
      const sql = `(array_agg(${cursor} ORDER BY ${rows}."__n"${direction}) FILTER (WHERE ${inPage}))[1]`;
      return emptyCursor === null ? sql : `COALESCE(${sql}, ${emptyCursor})`;
    };
    const info: [string, string][] = [];
    for (const e of this.fields(set ?? refuse('pageInfo without a selection'), 'PageInfo')) {
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

  /**
   * The fields of a connection's selection: `__typename`, `edges` (cursor and node), `pageInfo`
   * and `totalCount`, each as JSON text over the page's rows `rows`.
   */
  private connectionPairs(
    connectionType: string,
    set: SelectionSetNode,
    page: { first: string; cursor: string; rows: string; emptyCursor: string | null },
    node: (selection: SelectionSetNode) => string,
    totalCount?: () => string,
  ): [string, string][] {
    const edgeType = this.edgeTypeOf(connectionType);
    const inPage = `${page.rows}."__n" <= ${page.first}`;
    const pairs: [string, string][] = [];
    for (const { key, name, node: field } of this.fields(set, connectionType)) {
      if (name === '__typename') pairs.push([key, jsonConst(connectionType)]);
      else if (name === 'totalCount' && totalCount) pairs.push([key, totalCount()]);
      else if (name === 'edges') {
        const edge: [string, string][] = [];
        for (const e of this.fields(field.selectionSet ?? refuse('edges without a selection'), edgeType)) {
          if (e.name === '__typename') edge.push([e.key, jsonConst(edgeType)]);
          else if (e.name === 'cursor') edge.push([e.key, jsonScalar(page.cursor)]);
          else if (e.name === 'node')
            edge.push([e.key, node(e.node.selectionSet ?? refuse('node without a selection'))]);
          else refuse(`${edgeType}.${e.name} has no SQL form`);
        }
        pairs.push([key, jsonArrayAgg(jsonObject(edge), `${page.rows}."__n"`, inPage)]);
      } else if (name === 'pageInfo') pairs.push([key, this.pageInfo(field.selectionSet, { ...page, inPage })]);
      else refuse(`${connectionType}.${name} has no SQL form`);
    }
    return pairs;
  }

  /** A plugin-prisma connection (cursor `id`, forward paging with `first`) as one JSON value. */
  connection(
    connectionType: string,
    target: Model,
    where: (alias: string) => string,
    orderBy: readonly string[],
    first: string,
    set: SelectionSetNode,
  ): string {
    const table = ident(target.table);
    const p = this.alias();
    const nodeType = getNamedType(
      (this.schema.getType(this.edgeTypeOf(connectionType)) as GraphQLObjectType).getFields().node?.type ??
        refuse(`${connectionType} has no node`),
    ).name;
    const pairs = this.connectionPairs(
      connectionType,
      set,
      { first, cursor: cursorSql(`${p}."id"`), rows: p, emptyCursor: null },
      (selection) => this.object(nodeType, p, selection),
      () => {
        const c = this.alias();
        return `(SELECT count(*)::text FROM ${table} ${c} WHERE ${where(c)})`;
      },
    );
    const r = this.alias();
    const page = `SELECT ${r}.*, row_number() OVER (ORDER BY ${orderSql(r, orderBy)}) AS "__n" FROM ${table} ${r} WHERE ${where(r)} ORDER BY ${orderSql(r, orderBy)} LIMIT ${first} + 1`;
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
    const nodeSets: SelectionSetNode[] = [];
    const pairs = this.connectionPairs(connectionType, set, { first, cursor, rows: m, emptyCursor: "''" }, (s) => {
      nodeSets.push(s);
      return `${m}."node${nodeSets.length}"`;
    });
    const u = this.alias();
    const union = this.agendaRows(viewer, from, to, `${first} + 1`, nodeSets);
    const merged = `SELECT ${u}.*, row_number() OVER (ORDER BY ${u}."at", ${u}."kind", ${u}."id") AS "__n" FROM (${union}) ${u} ORDER BY ${u}."at", ${u}."kind", ${u}."id" LIMIT ${first} + 1`;
    return `(SELECT ${jsonObject(pairs)} FROM (${merged}) ${m} GROUP BY ())`;
  }

  /** getAgenda's range reads of a user's live rows in [from, to), `limit` of each kind, with their node JSON. */
  private agendaRows(userId: string, from: string, to: string, limit: string, nodeSets: SelectionSetNode[]): string {
    return AGENDA_SOURCES.map(({ model, at }, kind) => {
      const t = this.alias();
      const source = this.forms.model(model);
      const nodes = nodeSets.map((ns, i) => `, ${this.object(model, t, ns)} AS "node${i + 1}"`).join('');
      const time = `${t}.${ident(at)}`;
      return `(SELECT ${t}."id", ${time} AS "at", ${kind} AS "kind"${nodes} FROM ${ident(source.table)} ${t} WHERE ${t}."userId" = ${userId} AND ${liveSql(t)} AND ${time} >= ${from} AND ${time} < ${to} ORDER BY ${time}, ${t}."id" LIMIT ${limit})`;
    }).join(' UNION ALL ');
  }

  /** A filter value of an enum field (a literal, null or a variable) as the rule's condition. */
  enumCondition(
    row: string,
    value: ValueNode,
    enumValues: readonly string[],
    rule: (row: string, now: string, value: string) => string,
  ): string {
    if (value.kind === Kind.ENUM) {
      if (!enumValues.includes(value.value)) refuse(`not a value: ${value.value}`);
      return rule(row, this.now(), value.value);
    }
    if (value.kind === Kind.NULL) return 'TRUE';
    if (value.kind === Kind.VARIABLE) {
      const s = this.param({ from: 'variable', name: value.name.value, type: 'text' }, 'text');
      const now = this.now();
      return `(${s} IS NULL OR ${enumValues.map((v) => `(${s} = ${quote(v)} AND ${rule(row, now, v)})`).join(' OR ')})`;
    }
    return refuse('a filter that is not an enum value or a variable');
  }
}

/** `column` / `column DESC` entries as an ORDER BY list over alias `a`. */
export function orderSql(a: string, orderBy: readonly string[]): string {
  return orderBy
    .map((c) => {
      const [column = '', direction = ''] = c.split(' ');
      return `${a}.${ident(column)}${direction ? ` ${direction}` : ''}`;
    })
    .join(', ');
}

/** The arguments of a field node as text, to tell whether two selections of one key merge. */
const argumentsText = (node: FieldNode) => (node.arguments ?? []).map((a) => print(a)).join(',');

/** The names of an enum type's values (for a filter's variable). */
export function enumValuesOf(schema: GraphQLSchema, typename: string): string[] {
  const type = schema.getType(typename);
  return isEnumType(type) ? type.getValues().map((v) => v.name) : refuse(`${typename} is not an enum`);
}

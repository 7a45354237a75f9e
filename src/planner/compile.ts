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
import { agendaRows, connection } from './connections.js';
import {
  MISSING,
  orderSql,
  PAGING_ARGUMENTS,
  type PageArgs,
  type ParamSource,
  type Selected,
  type Statement,
} from './statement.js';
import { refuse, type Forms, type Form, type Model } from './forms.js';
import { globalIdJson, isoDateTime, jsonArrayAgg, jsonConst, jsonObject, jsonScalar } from './json-sql.js';

/** Compiles the statement of one root field: its SQL, bind parameters and the days it computes. */
export class Compiler implements Statement {
  readonly params: ParamSource[] = [];
  /** Days the statement computed in a time zone (JSON objects), checked against dayBounds. */
  readonly days: string[] = [];
  private readonly keys = new Map<string, number>();
  private aliases = 0;

  constructor(
    readonly forms: Forms,
    private readonly fragments: Record<string, FragmentDefinitionNode>,
    /**
     * The plan's shape (conditionVariables): the values of the variables `@include`/`@skip` read,
     * and whether each paging variable is given (not null).
     */
    private readonly conditions: ReadonlyMap<string, boolean>,
    /** Largest page a connection serves (Pothos' maxConnectionSize): larger ones run generic. */
    readonly maxPage: number,
    /** The page size when neither `first` nor `last` is given (Pothos' defaultConnectionSize). */
    readonly defaultPage: number,
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
  /**
   * The page a connection's arguments ask for, as plugin-prisma reads them: `first` [`after`]
   * forward, `last` [`before`] backward, the default size forward when neither is given. The
   * combinations plugin-prisma refuses are refused (the generic path answers their error).
   */
  page(args: readonly ArgumentNode[], where: string): PageArgs {
    const given = (name: string): ArgumentNode | null => {
      const arg = args.find((a) => a.name.value === name);
      if (!arg || arg.value.kind === Kind.NULL) return null;
      if (arg.value.kind !== Kind.VARIABLE) return arg;
      // Not a fact of the shape (a non-null variable): given. Should it come null after all, its
      // value does not bind, and the generic path answers.
      return this.conditions.get(arg.value.name.value) === false ? null : arg;
    };
    const [first, last, after, before] = PAGING_ARGUMENTS.map(given);
    if ((first && last) || (after && before) || (first && before) || (last && after))
      refuse(`${where}: first/last/after/before together as plugin-prisma refuses them`);
    const sized = first ?? last;
    const size = sized
      ? this.intParam(sized.value, where, this.maxPage)
      : this.param({ from: 'literal', value: this.defaultPage }, 'int');
    const at = after ?? before;
    let cursor: string | null = null;
    if (at) {
      const value = at.value;
      const id =
        value.kind === Kind.VARIABLE
          ? { variable: value.name.value }
          : value.kind === Kind.STRING
            ? { literal: value.value }
            : refuse(`${where}(${at.name.value}:) is not a String`);
      cursor = this.param({ from: 'cursor', id }, 'uuid');
    }
    return { size, cursor, backward: Boolean(last ?? before) };
  }

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
        if (form.type === 'textList') return jsonScalar(`COALESCE(${column}, '{}'::text[])`);
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
        const union = agendaRows(this, `${row}."id"`, from, to, String(form.limit), [set()]);
        const merged = `SELECT * FROM (${union}) ${m} ORDER BY ${m}."at", ${m}."kind", ${m}."id" LIMIT ${form.limit}`;
        const n = this.alias();
        return `COALESCE((SELECT ${jsonArrayAgg(`${n}."node1"`, `${n}."at", ${n}."kind", ${n}."id"`)} FROM (${merged}) ${n}), '[]')`;
      }
      case 'connection': {
        const conditions: ((t: string) => string)[] = [];
        for (const arg of node.arguments ?? []) {
          if (PAGING_ARGUMENTS.includes(arg.name.value)) continue;
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
        return connection(
          this,
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
          this.page(node.arguments ?? [], where),
          set(),
        );
      }
    }
  }
}

/** The arguments of a field node as text, to tell whether two selections of one key merge. */
const argumentsText = (node: FieldNode) => (node.arguments ?? []).map((a) => print(a)).join(',');

/** The names of an enum type's values (for a filter's variable). */
export function enumValuesOf(schema: GraphQLSchema, typename: string): string[] {
  const type = schema.getType(typename);
  return isEnumType(type) ? type.getValues().map((v) => v.name) : refuse(`${typename} is not an enum`);
}

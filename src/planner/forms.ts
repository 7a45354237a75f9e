import {
  getNamedType,
  getNullableType,
  GraphQLObjectType,
  isEnumType,
  isListType,
  isNonNullType,
  type GraphQLField,
  type GraphQLSchema,
} from 'graphql';
import { formatPrismaCursor } from '@pothos/plugin-prisma';
import { orderByColumns, type ColumnType, type FieldSqlForm, type RootSqlForm } from '../db/sql.js';

/**
 * The SQL form of a field, read from what declares it (docs/planned-execution.md):
 * - a form declared beside a rule: the Pothos field's `extensions.sqlForm` (src/db/sql.ts);
 * - an exposed column (`t.expose…`): the column, typed by the Prisma model;
 * - a Relay `id` of a Prisma node: the global id;
 * - `t.relation` to one row: the live row its foreign key names;
 * - `t.relatedConnection`: the live rows of the relation, in the order its `query` declares
 *   (read by calling plugin-prisma's own query builder of the field), paged by `id`.
 * Anything else has no SQL form: a root field selecting it runs on the generic path.
 */

/** A model as the planner needs it: its table and the Prisma fields by name. */
export interface Model {
  name: string;
  table: string;
  fields: Map<string, DmmfField>;
}

export interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: string;
  type: string;
  isList: boolean;
  isId?: boolean;
  relationName?: string;
  relationFromFields?: readonly string[];
}

/** A relation resolved to the target's table and the foreign key column on the target (list) or here (to one). */
export interface Relation {
  target: Model;
  foreignKey: string;
}

/** A declared form of `kind`. */
type Declared<K extends FieldSqlForm['kind']> = Extract<FieldSqlForm, { kind: K }>;
/** A declared form with its relation (a Prisma field name) resolved against the data model. */
type Resolved<F> = Omit<F, 'relation'> & { relation: Relation };

/** The form of a field, derived or declared, with relations and models resolved. */
export type Form =
  | Declared<'computed' | 'column' | 'todayAgenda'>
  | { kind: 'globalId' }
  | { kind: 'toOne'; relation: Relation }
  | Resolved<Declared<'connection'>>
  | Resolved<Declared<'count'>>
  | (Resolved<Omit<Declared<'list'>, 'maxFirst'>> & { first: { default: number; max: number } })
  | (Omit<Declared<'subject'>, 'targets'> & { targets: Readonly<Record<string, Model>> });

export class NotPlanned extends Error {}
export const refuse = (reason: string): never => {
  throw new NotPlanned(reason);
};

interface Datamodel {
  datamodel: { models: Record<string, { dbName?: string | null; fields: DmmfField[] }> };
}

type FieldExtensions = {
  sqlForm?: FieldSqlForm | RootSqlForm;
  pothosExposedField?: string;
  pothosPrismaRelationField?: DmmfField;
  pothosPrismaSelect?: unknown;
  pothosOptions?: { authScopes?: unknown };
};

const extensionsOf = (field: GraphQLField<unknown, unknown>) => (field.extensions ?? {}) as FieldExtensions;

/** The Prisma model behind an object type (plugin-prisma's `prismaObject`/`prismaNode`), if any. */
export const modelNameOf = (type: GraphQLObjectType): string | undefined =>
  (type.extensions as { pothosPrismaModel?: string } | undefined)?.pothosPrismaModel;

/** The forms of one schema, derived once per (type, field) and kept. */
export class Forms {
  private readonly models = new Map<string, Model>();
  private readonly cache = new Map<string, Form | string>();

  constructor(
    readonly schema: GraphQLSchema,
    datamodel: unknown,
  ) {
    for (const [name, model] of Object.entries((datamodel as Datamodel).datamodel.models))
      this.models.set(name, {
        name,
        table: model.dbName ?? name,
        fields: new Map(model.fields.map((f) => [f.name, f])),
      });
  }

  model(name: string): Model {
    return this.models.get(name) ?? refuse(`${name} is not a Prisma model`);
  }

  /** The model of an object type, or a refusal naming it. */
  modelOf(typename: string): Model {
    const type = this.schema.getType(typename);
    const name = type instanceof GraphQLObjectType ? modelNameOf(type) : undefined;
    return name ? this.model(name) : refuse(`${typename} is not a Prisma object`);
  }

  /** The object type of a model among `types` (a union's or interface's). */
  typeOf(model: string, types: readonly GraphQLObjectType[]): GraphQLObjectType {
    return types.find((t) => modelNameOf(t) === model) ?? refuse(`no type of ${model}`);
  }

  column(model: Model, name: string): string {
    const field = model.fields.get(name) ?? refuse(`${model.name}.${name} is not a column`);
    return field.dbName ?? field.name;
  }

  /** A relation of a model by its Prisma field name. */
  relation(model: Model, name: string): Relation {
    const field = model.fields.get(name);
    if (!field || field.kind !== 'object') return refuse(`${model.name}.${name} is not a relation`);
    const target = this.model(field.type);
    if (!field.isList) {
      const [fk, more] = field.relationFromFields ?? [];
      if (!fk || more) return refuse(`${model.name}.${name}: a to-one relation without one foreign key here`);
      return { target, foreignKey: this.column(model, fk) };
    }
    const back = [...target.fields.values()].find(
      (f) => f.relationName === field.relationName && (f.relationFromFields?.length ?? 0) > 0,
    );
    const [fk, more] = back?.relationFromFields ?? [];
    if (!fk || more) return refuse(`${model.name}.${name}: a list relation without one foreign key`);
    return { target, foreignKey: this.column(target, fk) };
  }

  /** The form of `typename.name`, or why it has none (kept for the schema's lifetime). */
  field(typename: string, name: string): Form {
    const key = `${typename}.${name}`;
    let found = this.cache.get(key);
    if (found === undefined) {
      try {
        found = this.derive(typename, name);
      } catch (err) {
        if (!(err instanceof NotPlanned)) throw err;
        found = err.message;
      }
      this.cache.set(key, found);
    }
    return typeof found === 'string' ? refuse(found) : found;
  }

  /** The root form declared on a Query field. */
  root(name: string): RootSqlForm {
    const field = this.schema.getQueryType()?.getFields()[name] ?? refuse(`Query.${name} does not exist`);
    const form = extensionsOf(field).sqlForm;
    if (!form || !isRootForm(form)) return refuse(`Query.${name} has no SQL form`);
    return form;
  }

  private derive(typename: string, name: string): Form {
    const type = this.schema.getType(typename);
    if (!(type instanceof GraphQLObjectType)) return refuse(`${typename} is not an object type`);
    const field = type.getFields()[name] ?? refuse(`${typename}.${name} does not exist`);
    const ext = extensionsOf(field);
    // Auth scopes below the root are checked per field on the generic path: not planned.
    const typeScopes = (type.extensions as FieldExtensions | undefined)?.pothosOptions?.authScopes;
    if (ext.pothosOptions?.authScopes !== undefined || typeScopes !== undefined)
      return refuse(`${typename}.${name} has auth scopes of its own`);
    if (ext.sqlForm) return this.declared(typename, ext.sqlForm, field);
    const model = this.modelOf(typename);
    if (ext.pothosExposedField) return this.exposed(model, ext.pothosExposedField, field);
    if (name === 'id' && type.getInterfaces().some((i) => i.name === 'Node')) {
      if (!model.fields.get('id')?.isId) return refuse(`${typename}.id: the model's id is not \`id\``);
      return { kind: 'globalId' };
    }
    const relationField = ext.pothosPrismaRelationField;
    if (relationField) {
      const relation = this.relation(model, relationField.name);
      const query = this.relationQuery(field, relationField.name);
      if (!relationField.isList) {
        if (Object.keys(query ?? {}).length) return refuse(`${typename}.${name}: a relation with a query`);
        return { kind: 'toOne', relation };
      }
      if (!isConnection(field)) return refuse(`${typename}.${name}: a list relation without an SQL form`);
      const { orderBy, where, cursor, ...rest } = (query ?? {}) as Record<string, unknown>;
      const columns = orderByColumns(orderBy ?? []);
      if (where !== undefined || Object.keys(rest).some((k) => !['take', 'skip'].includes(k)))
        return refuse(`${typename}.${name}: a connection whose query filters`);
      if (!columns || columns.at(-1)?.split(' ')[0] !== 'id')
        return refuse(`${typename}.${name}: an order that does not end with id`);
      if (!cursor || JSON.stringify(cursor) !== JSON.stringify({ id: PROBE_ID }))
        return refuse(`${typename}.${name}: a cursor other than id`);
      return { kind: 'connection', relation, orderBy: columns };
    }
    return refuse(`${typename}.${name} has no SQL form`);
  }

  /**
   * The Prisma query plugin-prisma builds for a relation field, for a first page after a probe
   * cursor: the declaration's own `query` (order, where) as the generic path uses it. Null when the
   * field's query needs the request (a function of the context): such a field declares its form.
   */
  private relationQuery(field: GraphQLField<unknown, unknown>, relation: string): Record<string, unknown> | null {
    const select = extensionsOf(field).pothosPrismaSelect;
    if (typeof select !== 'function') return null;
    const args = isConnection(field) ? { first: 1, after: formatPrismaCursor({ id: PROBE_ID }, 'id') } : {};
    try {
      const built = select(
        args,
        {},
        (q: unknown) => q,
        () => new Set(['edges']),
      ) as {
        select?: Record<string, unknown>;
      };
      const query = built?.select?.[relation];
      return query && typeof query === 'object' ? (query as Record<string, unknown>) : {};
    } catch {
      return refuse(`${field.name}: a relation whose query needs the request`);
    }
  }

  private exposed(model: Model, column: string, field: GraphQLField<unknown, unknown>): Form {
    const dmmf = model.fields.get(column) ?? refuse(`${model.name}.${column} is not a column`);
    const named = getNamedType(field.type);
    if (dmmf.isList) {
      if (dmmf.type === 'String' && named.name === 'String' && isListType(getNullableType(field.type)))
        return { kind: 'column', column: dmmf.dbName ?? dmmf.name, type: 'textList' };
      return refuse(`${model.name}.${column}: a ${dmmf.type} list column`);
    }
    const type: ColumnType | null =
      dmmf.kind === 'enum' && isEnumType(named)
        ? 'enum'
        : dmmf.type === 'String'
          ? 'text'
          : dmmf.type === 'Int'
            ? 'int'
            : dmmf.type === 'Boolean'
              ? 'boolean'
              : dmmf.type === 'DateTime' && named.name === 'DateTime'
                ? 'datetime'
                : null;
    if (!type) return refuse(`${model.name}.${column}: a ${dmmf.type} column has no SQL form`);
    return { kind: 'column', column: dmmf.dbName ?? dmmf.name, type };
  }

  private declared(typename: string, form: FieldSqlForm | RootSqlForm, field: GraphQLField<unknown, unknown>): Form {
    if (isRootForm(form)) return refuse(`${typename}.${field.name}: a root form on an object field`);
    switch (form.kind) {
      case 'perType':
        return this.declared(
          typename,
          form.forms[typename] ?? refuse(`${typename}.${field.name} has no SQL form for ${typename}`),
          field,
        );
      case 'computed':
      case 'column':
      case 'todayAgenda':
        return form;
      case 'list': {
        const arg = field.args.find((a) => a.name === 'first');
        const fallback = typeof arg?.defaultValue === 'number' ? arg.defaultValue : form.maxFirst;
        return {
          kind: 'list',
          relation: this.relation(this.modelOf(typename), form.relation),
          where: form.where,
          usesNow: form.usesNow,
          orderBy: form.orderBy,
          first: { default: fallback, max: form.maxFirst },
        };
      }
      case 'count':
        return { ...form, relation: this.relation(this.modelOf(typename), form.relation) };
      case 'connection':
        return { ...form, relation: this.relation(this.modelOf(typename), form.relation) };
      case 'subject':
        return {
          ...form,
          targets: Object.fromEntries(Object.entries(form.targets).map(([value, model]) => [value, this.model(model)])),
        };
    }
  }
}

const PROBE_ID = '00000000-0000-4000-8000-000000000000';

function isRootForm(form: FieldSqlForm | RootSqlForm): form is RootSqlForm {
  return ['viewer', 'byId', 'ownConnection', 'agenda'].includes(form.kind);
}

/** Whether a field returns a Relay connection (an object with edges and pageInfo). */
export function isConnection(field: GraphQLField<unknown, unknown>): boolean {
  const type = isNonNullType(field.type) ? field.type.ofType : field.type;
  if (isListType(type)) return false;
  const named = getNamedType(type);
  return named instanceof GraphQLObjectType && 'edges' in named.getFields() && 'pageInfo' in named.getFields();
}

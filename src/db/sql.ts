/**
 * SQL text for hand-written statements, and the SQL forms a domain rule declares beside its
 * TypeScript (docs/planned-execution.md). A rule that the planned path must answer the same way
 * exports its SQL from the module that defines it, built from the same named constants, and the
 * Pothos field that uses the rule carries it (`extensions: sqlForm(…)`): the planner reads it
 * there, never from a list of its own.
 */

/** A string literal. */
export const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** A quoted identifier. */
export const ident = (s: string): string => `"${s.replace(/"/g, '""')}"`;

/**
 * SQL over one row: `row` is the row's alias, `now` the request's now (a bind parameter, or
 * `NULL` when the form says it does not read it).
 */
export type RowSql = (row: string, now: string) => string;

/**
 * How a column's value is printed as JSON (`datetime` as graphql-scalars prints a Date; `textList`
 * a text[] column as a list of strings, a NULL one as Prisma reads it: empty).
 */
export type ColumnType = 'text' | 'int' | 'datetime' | 'enum' | 'boolean' | 'textList';

/** Fields whose SQL form is a rule (the rest are derived from the Pothos field and the Prisma model). */
export type FieldSqlForm =
  /** An expression over the row (and now): JSON-typed SQL (text, int, boolean, json). */
  | { kind: 'computed'; sql: RowSql; usesNow: boolean }
  /** A field that reads another column of the row (DateTime printed as graphql-scalars does). */
  | { kind: 'column'; column: string; type: ColumnType }
  /** A list relation with `first`: live rows matching `where`, in `orderBy`, at most `maxFirst`. */
  | {
      kind: 'list';
      /** The Prisma relation it reads (target model and foreign key come from the data model). */
      relation: string;
      where: RowSql;
      usesNow: boolean;
      /** Columns, each `name` or `name DESC`, ending with `id`. */
      orderBy: readonly string[];
      maxFirst: number;
    }
  /** `count(*)` of the live rows of a relation matching `where`. */
  | { kind: 'count'; relation: string; where: RowSql; usesNow: boolean }
  /** A connection over a relation (cursor `id`, forward with `first`) with the list's own conditions. */
  | {
      kind: 'connection';
      relation: string;
      orderBy: readonly string[];
      where?: (row: string) => string;
      /** Boolean arguments: the condition each adds when true. */
      booleanArgs?: Readonly<Record<string, (row: string) => string>>;
    }
  /** One of several models by a kind column; the viewer's own live row, else null. */
  | { kind: 'subject'; kindColumn: string; idColumn: string; targets: Readonly<Record<string, string>> }
  /** The agenda of the row's (a user's) day in its time zone, at most `limit` items. */
  | { kind: 'todayAgenda'; limit: number }
  /** An interface field whose rule depends on the object type: the form of each type. */
  | { kind: 'perType'; forms: Readonly<Record<string, FieldSqlForm>> };

/**
 * Root fields with an SQL form, and whose rows they read (the access policy's rules,
 * src/resolvers/access.ts): `viewer` is the viewer's own live user row; `byId` one live row by
 * global id, whose owner the request path checks with `mayAccess`; `ownConnection` the viewer's own
 * rows, with the filters a `filter:` argument may set; `agenda` getAgenda's merged window.
 */
export type RootSqlForm =
  | { kind: 'viewer' }
  | { kind: 'byId' }
  | {
      kind: 'ownConnection';
      orderBy: readonly string[];
      /** A filter field (an enum) and the condition of each of its values. */
      filters: Readonly<Record<string, (row: string, now: string, value: string) => string>>;
      /** A filter field (an enum) that the column of this name must equal (Prisma's `{ column: value }`). */
      columns?: Readonly<Record<string, string>>;
      /** A filter field (a Boolean) and the condition whose truth it asks for (null: no condition). */
      flags?: Readonly<Record<string, (row: string) => string>>;
      /**
       * The columns an `orderBy: { field, direction }` literal may name (its enum's internal
       * values): the order is then that column and id, both in the direction. Left out: an
       * `orderBy` runs on the generic path.
       */
      orders?: readonly string[];
    }
  | { kind: 'agenda' };

export type SqlForm = FieldSqlForm | RootSqlForm;

/** The `extensions` of a Pothos field that declares its SQL form. */
export const sqlForm = (form: SqlForm): { sqlForm: SqlForm } => ({ sqlForm: form });

/**
 * A Prisma `orderBy` list (`[{ dueAt: 'asc' }, { id: 'asc' }]`) as form columns (`dueAt`,
 * `id`; `name DESC` for descending), or null when an entry is anything else (a relation, nulls).
 */
export function orderByColumns(orderBy: unknown): string[] | null {
  const list = Array.isArray(orderBy) ? orderBy : [orderBy];
  const columns: string[] = [];
  for (const entry of list) {
    const pairs = entry && typeof entry === 'object' ? Object.entries(entry) : [];
    const [column, direction] = pairs[0] ?? [];
    if (pairs.length !== 1 || !column || (direction !== 'asc' && direction !== 'desc')) return null;
    columns.push(direction === 'desc' ? `${column} DESC` : column);
  }
  return columns;
}

/** Field options (e.g. `deprecated(…)`'s) with an SQL form added to their `extensions`. */
export function withSqlForm<T extends { extensions?: Record<string, unknown> }>(
  options: T,
  form: SqlForm,
): T & { extensions: Record<string, unknown> } {
  return { ...options, extensions: { ...options.extensions, sqlForm: form } };
}

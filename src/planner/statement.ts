import type { FieldNode, GraphQLSchema, SelectionSetNode } from 'graphql';
import { ident } from '../db/sql.js';
import type { Forms } from './forms.js';

/*
 * What the SQL builders (connections.ts, filters.ts) need of the compiler of one statement
 * (compile.ts), and the values they pass around.
 */

/** Where a bind parameter's value comes from at request time. */
export type ParamSource =
  | { from: 'variable'; name: string; type: 'int' | 'text' | 'datetime' | 'boolean'; max?: number }
  | { from: 'literal'; value: string | number }
  | { from: 'viewer' }
  | { from: 'now' }
  | { from: 'globalId'; typename: string; id: { variable: string } | { literal: string } }
  /** The row id in a connection's cursor (plugin-prisma's, by `id`). */
  | { from: 'cursor'; id: { variable: string } | { literal: string } };

/** The arguments that page a connection (Relay's), read by Compiler.page. */
export const PAGING_ARGUMENTS: readonly string[] = ['first', 'last', 'after', 'before'];

/** A connection's page as its arguments ask for it. */
export interface PageArgs {
  /** The page size (SQL). */
  size: string;
  /** The row id of the cursor the page starts after (or ends before, backward), or null: from the start (the end). */
  cursor: string | null;
  /** `last` (with or without `before`): the page ends at the cursor, or at the end. */
  backward: boolean;
}

/** Stands for a non-null relation whose row is missing: the answer is the generic path's. */
export const MISSING = '{"__planner_missing__":true}';

/** One selected field: its response key, its name and its node (merged with same-key selections). */
export interface Selected {
  key: string;
  name: string;
  node: FieldNode;
}

/** The compiler of one statement, as the SQL builders use it. */
export interface Statement {
  readonly schema: GraphQLSchema;
  readonly forms: Forms;
  /** A new table alias of the statement. */
  alias(): string;
  /** A bind parameter (SQL text `$n::cast`), one per distinct source. */
  param(source: ParamSource, cast: string): string;
  /** The request's time, as a parameter. */
  now(): string;
  /** The fields of a selection set on `typename`, collected as graphql-js collects them. */
  fields(set: SelectionSetNode, typename: string): Selected[];
  /** The JSON object (text) of one row of `typename` (SQL alias `row`) for a selection set. */
  object(typename: string, row: string, set: SelectionSetNode): string;
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

import { Kind, type ValueNode } from 'graphql';
import { quote } from '../db/sql.js';
import type { Statement } from './statement.js';
import { refuse } from './forms.js';

/* The conditions of a root connection's `filter:` fields (RootSqlForm's filters and flags). */

/** A filter value of a Boolean field (a literal, null or a variable): the rows whose `condition` is that value. */
export function flagCondition(c: Statement, row: string, value: ValueNode, condition: (row: string) => string): string {
  if (value.kind === Kind.BOOLEAN) return `(${condition(row)}) = ${String(value.value)}`;
  if (value.kind === Kind.NULL) return 'TRUE';
  if (value.kind === Kind.VARIABLE) {
    const v = c.param({ from: 'variable', name: value.name.value, type: 'boolean' }, 'boolean');
    return `(${v} IS NULL OR (${condition(row)}) = ${v})`;
  }
  return refuse('a filter that is not a Boolean or a variable');
}

/** A filter value of an enum field (a literal, null or a variable) as the rule's condition. */
export function enumCondition(
  c: Statement,
  row: string,
  value: ValueNode,
  enumValues: readonly string[],
  rule: (row: string, now: string, value: string) => string,
): string {
  if (value.kind === Kind.ENUM) {
    if (!enumValues.includes(value.value)) refuse(`not a value: ${value.value}`);
    return rule(row, c.now(), value.value);
  }
  if (value.kind === Kind.NULL) return 'TRUE';
  if (value.kind === Kind.VARIABLE) {
    const s = c.param({ from: 'variable', name: value.name.value, type: 'text' }, 'text');
    const now = c.now();
    return `(${s} IS NULL OR ${enumValues.map((v) => `(${s} = ${quote(v)} AND ${rule(row, now, v)})`).join(' OR ')})`;
  }
  return refuse('a filter that is not an enum value or a variable');
}

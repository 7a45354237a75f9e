import { getNamedType, isEnumType, isInputObjectType, Kind, type GraphQLInputType, type ValueNode } from 'graphql';
import { quote } from '../db/sql.js';
import type { Statement } from './statement.js';
import { refuse } from './forms.js';

/* The conditions of a root connection's `filter:` fields (RootSqlForm's filters and flags), and its `orderBy`. */

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
  /** false: the rule does not read now (no now parameter is bound for it). */
  usesNow = true,
): string {
  const nowOf = () => (usesNow ? c.now() : 'NULL');
  if (value.kind === Kind.ENUM) {
    if (!enumValues.includes(value.value)) refuse(`not a value: ${value.value}`);
    return rule(row, nowOf(), value.value);
  }
  if (value.kind === Kind.NULL) return 'TRUE';
  if (value.kind === Kind.VARIABLE) {
    const s = c.param({ from: 'variable', name: value.name.value, type: 'text' }, 'text');
    const now = nowOf();
    return `(${s} IS NULL OR ${enumValues.map((v) => `(${s} = ${quote(v)} AND ${rule(row, now, v)})`).join(' OR ')})`;
  }
  return refuse('a filter that is not an enum value or a variable');
}

/**
 * The columns of a root connection's `orderBy: { field, direction }` (find-and-sort.ts' orderByOf:
 * the field's column, then id, both in the direction), from enum literals only: the order is the
 * statement's ORDER BY and cursor condition, so a variable would need one plan per value
 * (refused). `orders` are the columns the form allows; the enum values' internal values name them.
 */
export function orderColumns(
  c: Statement,
  value: ValueNode,
  orderType: GraphQLInputType,
  orders: readonly string[],
  fallback: readonly string[],
): readonly string[] {
  if (value.kind === Kind.NULL) return fallback;
  if (value.kind !== Kind.OBJECT) return refuse('orderBy: not an object literal');
  const type = getNamedType(orderType);
  if (!isInputObjectType(type)) return refuse('orderBy: not an input object');
  const internal = (field: string, node: ValueNode | undefined): string | null => {
    if (!node || node.kind === Kind.NULL) return null;
    if (node.kind !== Kind.ENUM) return refuse(`orderBy: { ${field} } is not an enum literal`);
    const enumType = getNamedType(type.getFields()[field]?.type ?? refuse(`orderBy: { ${field} }`));
    if (!isEnumType(enumType)) return refuse(`orderBy: { ${field} } is not an enum`);
    const v = enumType.getValue(node.value)?.value;
    return typeof v === 'string' ? v : refuse(`orderBy: not a value: ${node.value}`);
  };
  const given = (name: string) => value.fields.find((f) => f.name.value === name)?.value;
  if (value.fields.some((f) => f.name.value !== 'field' && f.name.value !== 'direction'))
    refuse('orderBy: a field other than field and direction');
  const column = internal('field', given('field')) ?? refuse('orderBy without field');
  const direction = internal('direction', given('direction')) ?? 'asc';
  if (!orders.includes(column)) refuse(`orderBy: { field } ${column} has no SQL form`);
  if (direction !== 'asc' && direction !== 'desc') refuse(`orderBy: direction ${direction}`);
  const suffix = direction === 'desc' ? ' DESC' : '';
  return [`${column}${suffix}`, `id${suffix}`];
}

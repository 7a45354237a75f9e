import { formatPrismaCursor } from '@pothos/plugin-prisma';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { quote } from '../db/sql.js';

/*
 * The statements build each answer as text, the compact JSON that JSON.stringify writes for the
 * same value (keys in selection order, no spaces; PostgreSQL's own json output has spaces), so
 * the server sends it as it comes (src/server/planned-execution.ts). Every piece is non-null
 * JSON text: a scalar goes through to_json (strings escaped as JSON.stringify escapes them),
 * a missing value is `null`.
 */

/** A scalar SQL value (text, int, boolean, json) as JSON text. */
export const jsonScalar = (expr: string): string => `COALESCE(to_json(${expr})::text, 'null')`;

/** A constant as JSON text. */
export const jsonConst = (value: string | boolean): string => quote(JSON.stringify(value));

/** An object of [key, JSON text] pairs. */
export const jsonObject = (pairs: readonly (readonly [string, string])[]): string =>
  pairs.length === 0
    ? `'{}'`
    : `concat(${pairs.map(([key, json], i) => `${quote(`${i ? ',' : '{'}${JSON.stringify(key)}:`)}, ${json}`).join(', ')}, '}')`;

/** An aggregate: the JSON texts `item` of the group's rows, in `order` (and where `filter`), as an array. */
export const jsonArrayAgg = (item: string, order: string, filter?: string): string =>
  `COALESCE('[' || string_agg(${item}, ',' ORDER BY ${order})${filter ? ` FILTER (WHERE ${filter})` : ''} || ']', '[]')`;

/** Base64 (standard alphabet, padded, no line breaks) of a text expression. */
export const base64 = (sqlText: string): string =>
  `translate(encode(convert_to(${sqlText}, 'UTF8'), 'base64'), E'\\n', '')`;

/**
 * A `timestamp(3)` printed as graphql-scalars prints a Date: ISO 8601, milliseconds, `Z`; one past
 * year 9999 as 9999-12-31T23:59:59.999Z, as the DateTime scalar answers it (src/schema/scalars.ts).
 */
export const isoDateTime = (sqlExpr: string): string =>
  `to_char(CASE WHEN ${sqlExpr} > TIMESTAMP '9999-12-31 23:59:59.999' THEN TIMESTAMP '9999-12-31 23:59:59.999' ELSE ${sqlExpr} END, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The text an encoder puts before and after an id, read from the encoder itself with a probe id,
 * so the SQL forms below follow the library the generic path uses, whatever its format.
 */
function around(encode: (id: string) => string): { before: string; after: string } {
  const probe = '00000000-0000-4000-8000-000000000000';
  const decoded = Buffer.from(encode(probe), 'base64').toString('utf8');
  const at = decoded.indexOf(probe);
  if (at < 0 || Buffer.from(decoded, 'utf8').toString('base64') !== encode(probe))
    throw new Error('an id encoding the planner cannot follow');
  return { before: decoded.slice(0, at), after: decoded.slice(at + probe.length) };
}

const wrapped = (parts: { before: string; after: string }, idText: string) =>
  base64([quote(parts.before), idText, quote(parts.after)].filter((p) => p !== `''`).join(' || '));

const prismaCursor = around((id) => formatPrismaCursor({ id }, 'id'));
const globalIds = new Map<string, { before: string; after: string }>();

/** plugin-prisma's cursor of a connection paged by `id` (formatPrismaCursor), for an id expression. */
export const cursorSql = (idExpr: string): string => wrapped(prismaCursor, `${idExpr}::text`);

/** plugin-relay's global id of a row of `typename` (encodeGlobalID), as a JSON string. */
export function globalIdJson(typename: string, idExpr: string): string {
  let parts = globalIds.get(typename);
  if (!parts) {
    parts = around((id) => encodeGlobalID(typename, id));
    globalIds.set(typename, parts);
  }
  // Base64 of a non-null id: nothing to escape.
  return `'"' || ${wrapped(parts, `${idExpr}::text`)} || '"'`;
}

import { getNamedType, GraphQLObjectType, type SelectionSetNode } from 'graphql';
import { ident } from '../db/sql.js';
import { liveSql } from '../db/soft-delete.js';
import { AGENDA_SOURCES } from '../resolvers/agenda/get-agenda.js';
import { orderSql, type PageArgs, type Statement } from './statement.js';
import { refuse, type Model } from './forms.js';
import { cursorSql, jsonArrayAgg, jsonConst, jsonObject, jsonScalar } from './json-sql.js';

/*
 * Connections as one JSON value each: plugin-prisma's (cursor `id`, forward with `first`) and the
 * agenda's (Pothos' resolveCursorConnection over getAgenda's merged rows).
 */

/** The edge type and the fields of a connection type. */
export function edgeTypeOf(c: Statement, connectionType: string): string {
  const type = c.schema.getType(connectionType);
  const edges = type instanceof GraphQLObjectType ? type.getFields().edges : undefined;
  return getNamedType(edges?.type ?? refuse(`${connectionType} has no edges`)).name;
}

/** A page's rows (SQL alias `rows`), numbered by "__n" from the cursor's side, `size` + 1 of them fetched. */
interface PageRows extends Omit<PageArgs, 'cursor'> {
  rows: string;
  /** The edge cursor of a row (SQL). */
  edgeCursor: string;
  /** Whether the connection was given a cursor (plugin-prisma then answers the far side's page flag true). */
  hasCursor: boolean;
  /** What start/endCursor are on an empty page (SQL text; null: JSON null), as the generic path answers. */
  emptyCursor: string | null;
}

/**
 * `pageInfo` of a page, as plugin-prisma's wrapConnectionResult answers it: the side the page
 * grows towards has more when `size` + 1 rows came; the other side has more when a cursor was given.
 */
function pageInfo(c: Statement, set: SelectionSetNode | undefined, page: PageRows, inPage: string): string {
  const { size, edgeCursor, rows, emptyCursor, backward, hasCursor } = page;
  const endCursor = (last: boolean) => {
    const sql = `(array_agg(${edgeCursor} ORDER BY ${rows}."__n"${last === backward ? '' : ' DESC'}) FILTER (WHERE ${inPage}))[1]`;
    return emptyCursor === null ? sql : `COALESCE(${sql}, ${emptyCursor})`;
  };
  const more = `CASE WHEN count(*) > ${size} THEN 'true' ELSE 'false' END`;
  const info: [string, string][] = [];
  for (const e of c.fields(set ?? refuse('pageInfo without a selection'), 'PageInfo')) {
    if (e.name === '__typename') info.push([e.key, jsonConst('PageInfo')]);
    else if (e.name === 'hasNextPage') info.push([e.key, backward ? jsonConst(hasCursor) : more]);
    else if (e.name === 'hasPreviousPage') info.push([e.key, backward ? more : jsonConst(hasCursor)]);
    else if (e.name === 'startCursor') info.push([e.key, jsonScalar(endCursor(false))]);
    else if (e.name === 'endCursor') info.push([e.key, jsonScalar(endCursor(true))]);
    else refuse(`PageInfo.${e.name} has no SQL form`);
  }
  return jsonObject(info);
}

/**
 * The fields of a connection's selection: `__typename`, `edges` (cursor and node), `pageInfo`
 * and `totalCount`, each as JSON text over the page's rows.
 */
function connectionPairs(
  c: Statement,
  connectionType: string,
  set: SelectionSetNode,
  page: PageRows,
  node: (selection: SelectionSetNode) => string,
  totalCount?: () => string,
): [string, string][] {
  const edgeType = edgeTypeOf(c, connectionType);
  const inPage = `${page.rows}."__n" <= ${page.size}`;
  // Backward, the rows are numbered from the end: the page reads them in reverse.
  const order = `${page.rows}."__n"${page.backward ? ' DESC' : ''}`;
  const pairs: [string, string][] = [];
  for (const { key, name, node: field } of c.fields(set, connectionType)) {
    if (name === '__typename') pairs.push([key, jsonConst(connectionType)]);
    else if (name === 'totalCount' && totalCount) pairs.push([key, totalCount()]);
    else if (name === 'edges') {
      const edge: [string, string][] = [];
      for (const e of c.fields(field.selectionSet ?? refuse('edges without a selection'), edgeType)) {
        if (e.name === '__typename') edge.push([e.key, jsonConst(edgeType)]);
        else if (e.name === 'cursor') edge.push([e.key, jsonScalar(page.edgeCursor)]);
        else if (e.name === 'node') edge.push([e.key, node(e.node.selectionSet ?? refuse('node without a selection'))]);
        else refuse(`${edgeType}.${e.name} has no SQL form`);
      }
      pairs.push([key, jsonArrayAgg(jsonObject(edge), order, inPage)]);
    } else if (name === 'pageInfo') pairs.push([key, pageInfo(c, field.selectionSet, page, inPage)]);
    else refuse(`${connectionType}.${name} has no SQL form`);
  }
  return pairs;
}

/**
 * Prisma's cursor condition (what plugin-prisma's `cursor` + `skip: 1` run): the rows at or past
 * the cursor's row in `orderBy`, compared column by column with that row's values (read by id,
 * live or not: a cursor row that does not exist leaves no rows).
 */
function cursorCondition(table: string, t: string, orderBy: readonly string[], cursorId: string): string {
  const value = (column: string) => `(SELECT c.${ident(column)} FROM ${table} c WHERE c."id" = ${cursorId})`;
  const parts = orderBy.map((entry) => {
    const [column = '', direction = ''] = entry.split(' ');
    return { column, descending: direction === 'DESC' };
  });
  return `(${parts
    .map(({ column, descending }, k) => {
      const equal = parts.slice(0, k).map((p) => `${t}.${ident(p.column)} = ${value(p.column)}`);
      const op = (descending ? '<' : '>') + (k === parts.length - 1 ? '=' : '');
      return `(${[...equal, `${t}.${ident(column)} ${op} ${value(column)}`].join(' AND ')})`;
    })
    .join(' OR ')})`;
}

/** `orderBy` the other way round (a backward page reads from the end). */
const reversed = (orderBy: readonly string[]) =>
  orderBy.map((entry) => (entry.endsWith(' DESC') ? entry.slice(0, -' DESC'.length) : `${entry} DESC`));

/**
 * A plugin-prisma connection (cursor `id`) as one JSON value: `size` + 1 rows from the cursor's
 * side (skipping the cursor's own row, as `skip: 1` does), numbered from that side.
 */
export function connection(
  c: Statement,
  connectionType: string,
  target: Model,
  where: (alias: string) => string,
  orderBy: readonly string[],
  args: PageArgs,
  set: SelectionSetNode,
): string {
  const table = ident(target.table);
  const p = c.alias();
  const nodeType = getNamedType(
    (c.schema.getType(edgeTypeOf(c, connectionType)) as GraphQLObjectType).getFields().node?.type ??
      refuse(`${connectionType} has no node`),
  ).name;
  const pairs = connectionPairs(
    c,
    connectionType,
    set,
    { ...args, rows: p, edgeCursor: cursorSql(`${p}."id"`), hasCursor: args.cursor !== null, emptyCursor: null },
    (selection) => c.object(nodeType, p, selection),
    () => {
      const t = c.alias();
      return `(SELECT count(*)::text FROM ${table} ${t} WHERE ${where(t)})`;
    },
  );
  const order = args.backward ? reversed(orderBy) : orderBy;
  const r = c.alias();
  const s = c.alias();
  const rows = args.cursor
    ? `SELECT ${r}.* FROM ${table} ${r} WHERE ${where(r)} AND ${cursorCondition(table, r, order, args.cursor)} ORDER BY ${orderSql(r, order)} LIMIT ${args.size} + 1 OFFSET 1`
    : `SELECT ${r}.* FROM ${table} ${r} WHERE ${where(r)} ORDER BY ${orderSql(r, order)} LIMIT ${args.size} + 1`;
  const page = `SELECT ${s}.*, row_number() OVER (ORDER BY ${orderSql(s, order)}) AS "__n" FROM (${rows}) ${s}`;
  // GROUP BY (): one row, also when the selection has no aggregate (only totalCount).
  return `(SELECT ${jsonObject(pairs)} FROM (${page}) ${p} GROUP BY ())`;
}

/**
 * The agenda (getAgenda, src/resolvers/agenda/get-agenda.ts): the viewer's live rows of each
 * kind in [from, to), merged in (time, kind, id) order, `first` of them; Pothos'
 * resolveCursorConnection pages it (cursors `base64url("<ms>:<kind>:<id>")`, '' when empty).
 */
export function agenda(
  c: Statement,
  connectionType: string,
  first: string,
  from: string,
  to: string,
  set: SelectionSetNode,
): string {
  const viewer = c.param({ from: 'viewer' }, 'uuid');
  const m = c.alias();
  const cursor = `translate(encode(convert_to(floor(extract(epoch from ${m}."at") * 1000)::bigint::text || ':' || ${m}."kind"::text || ':' || ${m}."id"::text, 'UTF8'), 'base64'), E'+/=\n', '-_')`;
  const nodeSets: SelectionSetNode[] = [];
  const page = { size: first, edgeCursor: cursor, backward: false, rows: m, hasCursor: false, emptyCursor: "''" };
  const pairs = connectionPairs(
    c,
    connectionType,
    set,
    page,
    (s) => {
      nodeSets.push(s);
      return `${m}."node${nodeSets.length}"`;
    },
    // countAgenda: the live rows of each kind in the window.
    () =>
      `(${AGENDA_SOURCES.map(({ model, at }) => {
        const t = c.alias();
        const time = `${t}.${ident(at)}`;
        return `(SELECT count(*) FROM ${ident(c.forms.model(model).table)} ${t} WHERE ${t}."userId" = ${viewer} AND ${liveSql(t)} AND ${time} >= ${from} AND ${time} < ${to})`;
      }).join(' + ')})::text`,
  );
  const u = c.alias();
  const union = agendaRows(c, viewer, from, to, `${first} + 1`, nodeSets);
  const merged = `SELECT ${u}.*, row_number() OVER (ORDER BY ${u}."at", ${u}."kind", ${u}."id") AS "__n" FROM (${union}) ${u} ORDER BY ${u}."at", ${u}."kind", ${u}."id" LIMIT ${first} + 1`;
  return `(SELECT ${jsonObject(pairs)} FROM (${merged}) ${m} GROUP BY ())`;
}

/** getAgenda's range reads of a user's live rows in [from, to), `limit` of each kind, with their node JSON. */
export function agendaRows(
  c: Statement,
  userId: string,
  from: string,
  to: string,
  limit: string,
  nodeSets: SelectionSetNode[],
): string {
  return AGENDA_SOURCES.map(({ model, at }, kind) => {
    const t = c.alias();
    const source = c.forms.model(model);
    const nodes = nodeSets.map((ns, i) => `, ${c.object(model, t, ns)} AS "node${i + 1}"`).join('');
    const time = `${t}.${ident(at)}`;
    return `(SELECT ${t}."id", ${time} AS "at", ${kind} AS "kind"${nodes} FROM ${ident(source.table)} ${t} WHERE ${t}."userId" = ${userId} AND ${liveSql(t)} AND ${time} >= ${from} AND ${time} < ${to} ORDER BY ${time}, ${t}."id" LIMIT ${limit})`;
  }).join(' UNION ALL ');
}

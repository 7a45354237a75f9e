import { getNamedType, GraphQLObjectType, type SelectionSetNode } from 'graphql';
import { ident } from '../db/sql.js';
import { liveSql } from '../db/soft-delete.js';
import { AGENDA_SOURCES } from '../resolvers/agenda/get-agenda.js';
import { orderSql, type Compiler } from './compile.js';
import { refuse, type Model } from './forms.js';
import { cursorSql, jsonArrayAgg, jsonConst, jsonObject, jsonScalar } from './json-sql.js';

/*
 * Connections as one JSON value each: plugin-prisma's (cursor `id`, forward with `first`) and the
 * agenda's (Pothos' resolveCursorConnection over getAgenda's merged rows).
 */

/** The edge type and the fields of a connection type. */
export function edgeTypeOf(c: Compiler, connectionType: string): string {
  const type = c.schema.getType(connectionType);
  const edges = type instanceof GraphQLObjectType ? type.getFields().edges : undefined;
  return getNamedType(edges?.type ?? refuse(`${connectionType} has no edges`)).name;
}

/**
 * `pageInfo` of a page read as rows `rows` numbered by "__n", `first` + 1 of them fetched;
 * `inPage` tells the rows of the page. `emptyCursor`: what start/endCursor are on an empty page
 * (SQL text; null: JSON null), as the generic path answers for that connection.
 */
function pageInfo(
  c: Compiler,
  set: SelectionSetNode | undefined,
  page: { first: string; cursor: string; rows: string; inPage: string; emptyCursor: string | null },
): string {
  const { first, cursor, rows, inPage, emptyCursor } = page;
  const edgeCursor = (direction: string) => {
    const sql = `(array_agg(${cursor} ORDER BY ${rows}."__n"${direction}) FILTER (WHERE ${inPage}))[1]`;
    return emptyCursor === null ? sql : `COALESCE(${sql}, ${emptyCursor})`;
  };
  const info: [string, string][] = [];
  for (const e of c.fields(set ?? refuse('pageInfo without a selection'), 'PageInfo')) {
    if (e.name === '__typename') info.push([e.key, jsonConst('PageInfo')]);
    else if (e.name === 'hasNextPage') info.push([e.key, `CASE WHEN count(*) > ${first} THEN 'true' ELSE 'false' END`]);
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
function connectionPairs(
  c: Compiler,
  connectionType: string,
  set: SelectionSetNode,
  page: { first: string; cursor: string; rows: string; emptyCursor: string | null },
  node: (selection: SelectionSetNode) => string,
  totalCount?: () => string,
): [string, string][] {
  const edgeType = edgeTypeOf(c, connectionType);
  const inPage = `${page.rows}."__n" <= ${page.first}`;
  const pairs: [string, string][] = [];
  for (const { key, name, node: field } of c.fields(set, connectionType)) {
    if (name === '__typename') pairs.push([key, jsonConst(connectionType)]);
    else if (name === 'totalCount' && totalCount) pairs.push([key, totalCount()]);
    else if (name === 'edges') {
      const edge: [string, string][] = [];
      for (const e of c.fields(field.selectionSet ?? refuse('edges without a selection'), edgeType)) {
        if (e.name === '__typename') edge.push([e.key, jsonConst(edgeType)]);
        else if (e.name === 'cursor') edge.push([e.key, jsonScalar(page.cursor)]);
        else if (e.name === 'node') edge.push([e.key, node(e.node.selectionSet ?? refuse('node without a selection'))]);
        else refuse(`${edgeType}.${e.name} has no SQL form`);
      }
      pairs.push([key, jsonArrayAgg(jsonObject(edge), `${page.rows}."__n"`, inPage)]);
    } else if (name === 'pageInfo') pairs.push([key, pageInfo(c, field.selectionSet, { ...page, inPage })]);
    else refuse(`${connectionType}.${name} has no SQL form`);
  }
  return pairs;
}

/** A plugin-prisma connection (cursor `id`, forward paging with `first`) as one JSON value. */
export function connection(
  c: Compiler,
  connectionType: string,
  target: Model,
  where: (alias: string) => string,
  orderBy: readonly string[],
  first: string,
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
    { first, cursor: cursorSql(`${p}."id"`), rows: p, emptyCursor: null },
    (selection) => c.object(nodeType, p, selection),
    () => {
      const t = c.alias();
      return `(SELECT count(*)::text FROM ${table} ${t} WHERE ${where(t)})`;
    },
  );
  const r = c.alias();
  const page = `SELECT ${r}.*, row_number() OVER (ORDER BY ${orderSql(r, orderBy)}) AS "__n" FROM ${table} ${r} WHERE ${where(r)} ORDER BY ${orderSql(r, orderBy)} LIMIT ${first} + 1`;
  // GROUP BY (): one row, also when the selection has no aggregate (only totalCount).
  return `(SELECT ${jsonObject(pairs)} FROM (${page}) ${p} GROUP BY ())`;
}

/**
 * The agenda (getAgenda, src/resolvers/agenda/get-agenda.ts): the viewer's live rows of each
 * kind in [from, to), merged in (time, kind, id) order, `first` of them; Pothos'
 * resolveCursorConnection pages it (cursors `base64url("<ms>:<kind>:<id>")`, '' when empty).
 */
export function agenda(
  c: Compiler,
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
  const pairs = connectionPairs(c, connectionType, set, { first, cursor, rows: m, emptyCursor: "''" }, (s) => {
    nodeSets.push(s);
    return `${m}."node${nodeSets.length}"`;
  });
  const u = c.alias();
  const union = agendaRows(c, viewer, from, to, `${first} + 1`, nodeSets);
  const merged = `SELECT ${u}.*, row_number() OVER (ORDER BY ${u}."at", ${u}."kind", ${u}."id") AS "__n" FROM (${union}) ${u} ORDER BY ${u}."at", ${u}."kind", ${u}."id" LIMIT ${first} + 1`;
  return `(SELECT ${jsonObject(pairs)} FROM (${merged}) ${m} GROUP BY ())`;
}

/** getAgenda's range reads of a user's live rows in [from, to), `limit` of each kind, with their node JSON. */
export function agendaRows(
  c: Compiler,
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

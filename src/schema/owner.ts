import type { Context } from '../context.js';
import { isUuid } from '../resolvers/ownership.js';

/** A uuid no row has: the where clause of a lookup that must find nothing. */
const NO_ROW = '00000000-0000-0000-0000-000000000000';

/**
 * Where-clause fragment that limits a row lookup to what the viewer may read: their own rows,
 * or any row for an admin. Used by `node(id)` lookups so ids of other users' rows find nothing.
 */
export function ownedBy(ctx: Context): { userId?: string } {
  if (ctx.viewer?.role === 'ADMIN') return {};
  return { userId: ctx.viewer?.id ?? NO_ROW };
}

/**
 * Where clause of `node(id)` for a row a user owns (course, assignment, lecture, study session):
 * an id that is not a uuid finds nothing (the column is a uuid), and only rows the viewer may read.
 * The node types are `nullable`, so a missing, deleted or foreign row answers `node: null`.
 */
export function nodeWhere(id: string, ctx: Context): { id: string; userId?: string } {
  return { id: isUuid(id) ? id : NO_ROW, ...ownedBy(ctx) };
}

/** Where clause of `node(id)` for a User: yourself, or anyone for an admin; nothing for a non-uuid id. */
export function userNodeWhere(id: string, ctx: Context): { id: string } {
  const mayRead = isUuid(id) && (ctx.viewer?.role === 'ADMIN' || ctx.viewer?.id === id);
  return { id: mayRead ? id : NO_ROW };
}

/** The raw id of an optional global-id input: null and undefined stay as they are (null may mean "clear"). */
export function optionalRawId(globalId: { id: string } | null | undefined): string | null | undefined {
  return globalId == null ? globalId : globalId.id;
}

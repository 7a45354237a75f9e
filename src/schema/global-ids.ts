import { decodeGlobalID } from '@pothos/plugin-relay';
import type { Context } from '../context.js';
import { nodeWhere, type OwnedEntity } from '../resolvers/access.js';

/**
 * The `findUnique` of a node type: the where clause of `node(id)` under the access policy
 * (src/resolvers/access.ts). A missing, foreign or malformed id finds nothing, and the node types
 * are `nullable`, so such a lookup answers `node: null` rather than an error.
 */
export function nodeLookup(entity: OwnedEntity | 'User') {
  return (id: string, ctx: Context): { id: string; userId?: string } => nodeWhere(ctx, entity, id);
}

/**
 * The row id in `value`: a global id of `typename`, or (the form some ids had before they were
 * global) the raw id itself. Anything else is returned as given: the lookup finds nothing.
 */
export function rawIdOf(value: string, typename: string): string {
  try {
    const decoded = decodeGlobalID(value);
    if (decoded.typename === typename) return decoded.id;
  } catch {
    // not a global id: the raw form
  }
  return value;
}

/** The raw id of an optional global-id input: null and undefined stay as they are (null may mean "clear"). */
export function optionalRawId(globalId: { id: string } | null | undefined): string | null | undefined {
  return globalId == null ? globalId : globalId.id;
}

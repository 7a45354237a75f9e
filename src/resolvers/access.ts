import type { Tx } from '../db/client.js';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../errors.js';
import { Prisma } from '../generated/prisma/client.js';
import type { DomainContext, Viewer } from './domain-context.js';

/**
 * The access policy: the one place that decides who may read or change which row.
 *
 * - A student reads and changes only their own rows.
 * - An admin may also READ everyone's rows (where a field allows it: `read`), but changes only
 *   their own; admin-only operations call `requireAdmin`.
 * - A row the viewer may not see answers NOT_FOUND, never FORBIDDEN, so ids cannot be probed; an
 *   id that is not a uuid names no row (NOT_FOUND here, not a database error later).
 * - Writes lock the row they check (`lockOwned`), so a concurrent delete or cascade cannot slip
 *   between the check and the write.
 *
 * Domain functions use these helpers and nothing else: no inline role checks.
 */

/** Tables whose rows belong to one user (a `userId` column). */
export type OwnedEntity =
  'Course' | 'Assignment' | 'Lecture' | 'LectureSeries' | 'StudySession' | 'Notification' | 'Session' | 'Device';

/** `read`: the owner, or an admin; `own`: the owner only. */
export type Access = 'read' | 'own';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A uuid no row has: the where clause of a lookup that must find nothing. */
const NO_ROW = '00000000-0000-0000-0000-000000000000';

/** Ids reach the domain as strings from a decoded global id; the columns are uuids. */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}

/** The signed-in viewer; UNAUTHENTICATED without one. */
export function requireViewer(ctx: Pick<DomainContext, 'viewer'>): Viewer {
  if (!ctx.viewer) throw new UnauthenticatedError();
  return ctx.viewer;
}

/** Whether an account (a viewer, or a user row) is an operator: the one place the role is read. */
export function isAdmin(account: { role: string } | null | undefined): boolean {
  return account?.role === 'ADMIN';
}

/** The signed-in admin; FORBIDDEN for anyone else (UNAUTHENTICATED when signed out). */
export function requireAdmin(ctx: Pick<DomainContext, 'viewer'>): Viewer {
  const viewer = requireViewer(ctx);
  if (!isAdmin(viewer)) throw new ForbiddenError();
  return viewer;
}

function mayReadAll(viewer: Viewer | null, access: Access): boolean {
  return access === 'read' && isAdmin(viewer);
}

/** Whether the viewer may read (or, with `own`, change) a row of `ownerId`. */
export function mayAccess(viewer: Viewer | null, ownerId: string, access: Access = 'read'): boolean {
  return viewer !== null && (viewer.id === ownerId || mayReadAll(viewer, access));
}

/** Whose rows the viewer asks for: themselves when `userId` is left out; NOT_FOUND for a user they may not read. */
export function accessibleUserId(
  ctx: DomainContext,
  userId: string | null | undefined,
  access: Access = 'read',
): string {
  const viewer = requireViewer(ctx);
  const id = userId ?? viewer.id;
  if (!isUuid(id) || !mayAccess(viewer, id, access)) throw new NotFoundError('User');
  return id;
}

/** The where clause of row `id` of `entity` under `access`; NOT_FOUND for an id that is not a uuid. */
export function accessWhere(
  ctx: DomainContext,
  entity: OwnedEntity,
  id: string,
  access: Access,
): { id: string; userId?: string } {
  const viewer = requireViewer(ctx);
  if (!isUuid(id)) throw new NotFoundError(entity);
  return mayReadAll(viewer, access) ? { id } : { id, userId: viewer.id };
}

/** The where clause of the viewer's own rows (lists: an admin lists their own too). */
export function ownRows(ctx: DomainContext): { userId: string } {
  return { userId: requireViewer(ctx).id };
}

/**
 * The where clause of a lookup that answers null rather than an error (`node(id)`): a missing,
 * foreign or malformed id finds nothing. `entity` User: yourself, or anyone for an admin.
 */
export function nodeWhere(
  ctx: Pick<DomainContext, 'viewer'>,
  entity: OwnedEntity | 'User',
  id: string,
): { id: string; userId?: string } {
  const viewer = ctx.viewer;
  if (!isUuid(id) || !viewer) return { id: NO_ROW };
  if (entity === 'User') return { id: mayAccess(viewer, id) ? id : NO_ROW };
  return mayReadAll(viewer, 'read') ? { id } : { id, userId: viewer.id };
}

/** The where clause of `node(id)` for an operator's row (a dead letter): an admin's only, else nothing. */
export function adminNodeWhere(ctx: Pick<DomainContext, 'viewer'>, id: string): { id: string } {
  return { id: isUuid(id) && isAdmin(ctx.viewer) ? id : NO_ROW };
}

export interface LockOptions {
  /**
   * `UPDATE` (default): the row is about to change. `SHARE`: a new row is about to point at it, so
   * a concurrent delete waits and its cascade sees the new row.
   */
  mode?: 'UPDATE' | 'SHARE';
  /** Also find a soft-deleted row (to restore it). */
  includeDeleted?: boolean;
}

/**
 * Locks the viewer's own row `id` of `entity` until `tx` ends and returns its id; NOT_FOUND when
 * it does not exist, is deleted (unless `includeDeleted`), or belongs to someone else. Raw SQL:
 * Prisma has no row locks, so `deletedAt` is named here as the soft-delete extension would.
 */
export async function lockOwned(
  tx: Tx,
  ctx: DomainContext,
  entity: OwnedEntity,
  id: string,
  options: LockOptions = {},
): Promise<string> {
  const viewer = requireViewer(ctx);
  if (!isUuid(id)) throw new NotFoundError(entity);
  const rows = await tx.$queryRaw<{ id: string }[]>(Prisma.sql`
    SELECT id FROM ${Prisma.raw(`"${entity}"`)}
    WHERE id = ${id}::uuid AND "userId" = ${viewer.id}::uuid
      ${options.includeDeleted ? Prisma.empty : Prisma.sql`AND "deletedAt" IS NULL`}
    FOR ${Prisma.raw(options.mode ?? 'UPDATE')}`);
  if (rows.length !== 1) throw new NotFoundError(entity);
  return id;
}

/**
 * `lockOwned` for many rows at once (one statement): locks the viewer's rows `ids` of `entity`
 * and returns them; NOT_FOUND when any is missing, deleted, malformed or someone else's, so a
 * batch with one stranger's id changes nothing.
 */
export async function lockOwnedMany(
  tx: Tx,
  ctx: DomainContext,
  entity: OwnedEntity,
  ids: readonly string[],
  options: LockOptions = {},
): Promise<string[]> {
  const viewer = requireViewer(ctx);
  const unique = [...new Set(ids)];
  if (unique.some((id) => !isUuid(id))) throw new NotFoundError(entity);
  if (unique.length === 0) return [];
  const rows = await tx.$queryRaw<{ id: string }[]>(Prisma.sql`
    SELECT id FROM ${Prisma.raw(`"${entity}"`)}
    WHERE id = ANY(${unique}::uuid[]) AND "userId" = ${viewer.id}::uuid
      ${options.includeDeleted ? Prisma.empty : Prisma.sql`AND "deletedAt" IS NULL`}
    FOR ${Prisma.raw(options.mode ?? 'UPDATE')}`);
  if (rows.length !== unique.length) throw new NotFoundError(entity);
  return unique;
}

/** True when the viewer's row is live; it then stays live until `tx` ends (locked FOR SHARE). */
export async function isLiveOwned(tx: Tx, ctx: DomainContext, entity: OwnedEntity, id: string): Promise<boolean> {
  try {
    await lockOwned(tx, ctx, entity, id, { mode: 'SHARE' });
    return true;
  } catch (err) {
    if (err instanceof NotFoundError) return false;
    throw err;
  }
}

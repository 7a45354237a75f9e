import type { DomainContext } from './context.js';
import type { DbOrTx, Tx } from '../db/client.js';
import { withDeleted } from '../db/soft-delete.js';
import { NotFoundError } from '../errors.js';
import { Prisma, type Assignment, type Course, type Lecture, type StudySession } from '../generated/prisma/client.js';
import { requireViewer } from './shared.js';

/**
 * Who may touch which row. A student reads and changes only their own rows; an admin may also
 * read everyone's (`read`) but changes only their own (`own`). A row the viewer may not see is
 * NOT_FOUND, never FORBIDDEN, so ids cannot be probed.
 */
export type Access = 'read' | 'own';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids reach the domain as strings from a decoded global id; the columns are uuids. */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}

/**
 * The where clause for row `id` under `access`. An id that is not a uuid names no row: it is
 * NOT_FOUND here rather than a database error later.
 */
export function ownedWhere(
  ctx: DomainContext,
  entity: string,
  id: string,
  access: Access,
): { id: string; userId?: string } {
  const viewer = requireViewer(ctx);
  if (!isUuid(id)) throw new NotFoundError(entity);
  return access === 'read' && viewer.role === 'ADMIN' ? { id } : { id, userId: viewer.id };
}

/** A live course the viewer may access; `query` is a Prisma include/select to merge in. */
export async function findOwnedCourse(
  ctx: DomainContext,
  db: DbOrTx,
  id: string,
  access: Access,
  query: object = {},
): Promise<Course> {
  const course = await db.course.findFirst({ ...query, where: ownedWhere(ctx, 'Course', id, access) });
  if (!course) throw new NotFoundError('Course');
  return course;
}

/** A live assignment the viewer may access; `query` is a Prisma include/select to merge in. */
export async function findOwnedAssignment(
  ctx: DomainContext,
  db: DbOrTx,
  id: string,
  access: Access,
  query: object = {},
): Promise<Assignment> {
  const assignment = await db.assignment.findFirst({ ...query, where: ownedWhere(ctx, 'Assignment', id, access) });
  if (!assignment) throw new NotFoundError('Assignment');
  return assignment;
}

/**
 * Loading the viewer's own rows for a change, locked. A row that does not
 * exist, is deleted, or belongs to someone else is NOT_FOUND (never FORBIDDEN), so ids cannot be
 * probed. Each loader locks its row until the transaction ends (raw SQL: Prisma has no row locks,
 * and it names deletedAt itself, as the soft-delete extension would):
 * - a course or assignment a new row points at is locked FOR SHARE, so a concurrent delete waits
 *   and its cascade sees the new row;
 * - a lecture or session being changed is locked FOR UPDATE, so two changes (or a change and a
 *   course cascade) never interleave between the check of stored values and the write.
 */

/** An id that is not a uuid names no row: NOT_FOUND here rather than a database error later. */
export function checkId(id: string, entity: string): string {
  if (!isUuid(id)) throw new NotFoundError(entity);
  return id;
}

type Table = 'Course' | 'Assignment' | 'Lecture' | 'StudySession';

async function lockOwned(
  tx: Tx,
  table: Table,
  viewerId: string,
  id: string,
  lock: 'SHARE' | 'UPDATE',
  includeDeleted = false,
): Promise<boolean> {
  if (!isUuid(id)) return false;
  const rows = await tx.$queryRaw<{ id: string }[]>(Prisma.sql`
    SELECT id FROM ${Prisma.raw(`"${table}"`)}
    WHERE id = ${id}::uuid AND "userId" = ${viewerId}::uuid
      ${includeDeleted ? Prisma.empty : Prisma.sql`AND "deletedAt" IS NULL`}
    FOR ${Prisma.raw(lock)}`);
  return rows.length === 1;
}

/** True when the viewer's course `courseId` is live; it then stays live until `tx` ends. */
export function lockLiveCourse(tx: Tx, viewerId: string, courseId: string): Promise<boolean> {
  return lockOwned(tx, 'Course', viewerId, courseId, 'SHARE');
}

/** The viewer's live course `courseId`, held live until `tx` ends; NOT_FOUND otherwise. */
export async function loadOwnedCourse(tx: Tx, viewerId: string, courseId: string): Promise<{ id: string }> {
  if (!(await lockLiveCourse(tx, viewerId, courseId))) throw new NotFoundError('Course');
  return { id: courseId };
}

/** The viewer's live assignment, held live until `tx` ends; NOT_FOUND otherwise. */
export async function loadOwnedAssignment(tx: Tx, viewerId: string, assignmentId: string): Promise<Assignment> {
  if (!(await lockOwned(tx, 'Assignment', viewerId, assignmentId, 'SHARE'))) throw new NotFoundError('Assignment');
  return tx.assignment.findUniqueOrThrow({ where: { id: assignmentId } });
}

/** The viewer's lecture, locked for a change; with `includeDeleted` a deleted one too (for restore). */
export async function loadOwnedLecture(tx: Tx, viewerId: string, id: string, includeDeleted = false): Promise<Lecture> {
  if (!(await lockOwned(tx, 'Lecture', viewerId, id, 'UPDATE', includeDeleted))) throw new NotFoundError('Lecture');
  return tx.lecture.findFirstOrThrow({ where: includeDeleted ? withDeleted({ id }) : { id } });
}

/** The viewer's study session, locked for a change; with `includeDeleted` a deleted one too (for restore). */
export async function loadOwnedStudySession(
  tx: Tx,
  viewerId: string,
  id: string,
  includeDeleted = false,
): Promise<StudySession> {
  if (!(await lockOwned(tx, 'StudySession', viewerId, id, 'UPDATE', includeDeleted))) {
    throw new NotFoundError('StudySession');
  }
  return tx.studySession.findFirstOrThrow({ where: includeDeleted ? withDeleted({ id }) : { id } });
}

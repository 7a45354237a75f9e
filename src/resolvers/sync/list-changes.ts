import { queryRows, type NamedStatement } from '../../db/client.js';
import { SyncCursorExpiredError, ValidationError } from '../../errors.js';
import type { Assignment, Course, Lecture, Prisma, StudySession } from '../../generated/prisma/client.js';
import type { Selection } from '../selection.js';
import { requireViewer } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import { decodeSyncCursor, encodeSyncCursor, InvalidSyncCursor, logStart, type SyncPosition } from './cursor.js';

export const SYNC_KINDS = ['COURSE', 'ASSIGNMENT', 'LECTURE', 'STUDY_SESSION'] as const;
export type SyncKind = (typeof SYNC_KINDS)[number];
export type SyncOperation = 'SNAPSHOT' | 'CREATED' | 'UPDATED' | 'COMPLETED' | 'REOPENED' | 'DELETED' | 'RESTORED';
export type SyncRow = Course | Assignment | Lecture | StudySession;

/** One entity's state as of the answer: its current row, or a tombstone. */
export interface SyncChangeItem {
  kind: SyncKind;
  id: string;
  /** The last change recorded for it in this page (SNAPSHOT in a full sync). */
  operation: SyncOperation;
  /** The row as it is now; null when it is deleted (a tombstone). */
  row: SyncRow | null;
  deletedAt: Date | null;
  deletionId: string | null;
  /** When its last change in this page was made (null in a full sync). */
  changedAt: Date | null;
}

export interface ChangesPage {
  changes: SyncChangeItem[];
  /** Where to continue: pass as `since` next time. */
  cursor: string;
  /** True when more changes are ready now: ask again at once with `cursor`. */
  hasMore: boolean;
  /**
   * False when changes of yours are already committed but wait behind an older transaction that is
   * still running (a page stops before it, to be exact): ask again in a moment.
   */
  caughtUp: boolean;
  /** True while a full sync (since: null) is still sending the live rows. */
  fullSync: boolean;
}

export const DEFAULT_SYNC_PAGE = 100;
export const MAX_SYNC_PAGE = 500;

/**
 * A page of the log for one user: rows after the cursor's position and below this statement's
 * snapshot xmin (transactions that have all finished), in (xid, seq) order; first + 1 rows to
 * know whether more follow. Of several rows of one entity the page answers the last (its current
 * row is read once). The horizon tells whether the prune job deleted rows after the cursor.
 * One statement; the log is read from SyncChange_user_position_idx.
 */
export const LOG_PAGE: NamedStatement = {
  name: 'sync_log_page',
  text: `WITH w AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
page AS (
  SELECT l."seq", l."xid", l."kind", l."entityId", l."operation", l."rowDeletedAt", l."rowDeletionId", l."changedAt",
    row_number() OVER (ORDER BY l."xid", l."seq") AS n
  FROM "SyncChange" l
  WHERE l."userId" = $1::uuid AND l."stream" = $2::text AND (l."xid", l."seq") > ($3::xid8, $4::bigint)
    AND l."xid" < (SELECT w.xmin FROM w)
  ORDER BY l."xid", l."seq"
  LIMIT $5::int + 1
),
latest AS (
  SELECT DISTINCT ON (p."kind", p."entityId") p.* FROM page p WHERE p.n <= $5::int
  ORDER BY p."kind", p."entityId", p.n DESC
),
meta AS (
  SELECT (SELECT w.xmin FROM w)::text AS xmin,
    (SELECT count(*) FROM page) > $5::int AS "hasMore",
    (SELECT p."xid"::text FROM page p WHERE p.n = $5::int) AS "lastXid",
    (SELECT p."seq"::text FROM page p WHERE p.n = $5::int) AS "lastSeq",
    ROW($3::xid8, $4::bigint) < (SELECT h."xid", h."seq" FROM "SyncHorizon" h WHERE h."id" = 1) AS expired,
    EXISTS (SELECT 1 FROM "SyncChange" l WHERE l."userId" = $1::uuid AND l."stream" = $2::text
      AND l."xid" >= (SELECT w.xmin FROM w)) AS "heldBack"
)
SELECT m.*, e."kind", e."entityId"::text AS "entityId", e."operation", to_jsonb(e."rowDeletedAt") AS "rowDeletedAt",
  e."rowDeletionId"::text AS "rowDeletionId", to_jsonb(e."changedAt") AS "changedAt", e.n::int AS n,
  CASE e."kind"
    WHEN 'COURSE' THEN (SELECT jsonb_build_object('deletedAt', r."deletedAt", 'deletionId', r."deletionId")
      FROM "Course" r WHERE r."id" = e."entityId" AND r."userId" = $1::uuid)
    WHEN 'ASSIGNMENT' THEN (SELECT jsonb_build_object('deletedAt', r."deletedAt", 'deletionId', r."deletionId")
      FROM "Assignment" r WHERE r."id" = e."entityId" AND r."userId" = $1::uuid)
    WHEN 'LECTURE' THEN (SELECT jsonb_build_object('deletedAt', r."deletedAt", 'deletionId', r."deletionId")
      FROM "Lecture" r WHERE r."id" = e."entityId" AND r."userId" = $1::uuid)
    WHEN 'STUDY_SESSION' THEN (SELECT jsonb_build_object('deletedAt', r."deletedAt", 'deletionId', r."deletionId")
      FROM "StudySession" r WHERE r."id" = e."entityId" AND r."userId" = $1::uuid)
  END AS "row"
FROM meta m LEFT JOIN latest e ON true
ORDER BY e.n`,
};

/**
 * A page of a full sync: the user's live rows of every kind after (kind, id), in that order, and
 * the snapshot xmin the log is read from afterwards ($2, or this statement's own on the first page).
 */
export const FULL_PAGE: NamedStatement = {
  name: 'sync_full_page',
  text: `WITH w AS MATERIALIZED (SELECT COALESCE($2::xid8, pg_snapshot_xmin(pg_current_snapshot())) AS xmin),
rows AS (
  SELECT u.* FROM (
    (SELECT 0 AS k, r."id" FROM "Course" r
      WHERE r."userId" = $1::uuid AND r."deletedAt" IS NULL AND (0, r."id") > ($3::int, $4::uuid) ORDER BY r."id" LIMIT $5::int + 1)
    UNION ALL
    (SELECT 1, r."id" FROM "Assignment" r
      WHERE r."userId" = $1::uuid AND r."deletedAt" IS NULL AND (1, r."id") > ($3::int, $4::uuid) ORDER BY r."id" LIMIT $5::int + 1)
    UNION ALL
    (SELECT 2, r."id" FROM "Lecture" r
      WHERE r."userId" = $1::uuid AND r."deletedAt" IS NULL AND (2, r."id") > ($3::int, $4::uuid) ORDER BY r."id" LIMIT $5::int + 1)
    UNION ALL
    (SELECT 3, r."id" FROM "StudySession" r
      WHERE r."userId" = $1::uuid AND r."deletedAt" IS NULL AND (3, r."id") > ($3::int, $4::uuid) ORDER BY r."id" LIMIT $5::int + 1)
  ) u
  ORDER BY u.k, u."id"
  LIMIT $5::int + 1
)
SELECT (SELECT w.xmin FROM w)::text AS xmin, r.k, r."id"::text AS id
FROM (SELECT 1) one LEFT JOIN rows r ON true
ORDER BY r.k, r."id"`,
};

interface LogRow extends Record<string, unknown> {
  xmin: string;
  hasMore: boolean;
  lastXid: string | null;
  lastSeq: string | null;
  expired: boolean | null;
  heldBack: boolean;
  kind: SyncKind | null;
  entityId: string | null;
  operation: Exclude<SyncOperation, 'SNAPSHOT'> | null;
  rowDeletedAt: string | null;
  rowDeletionId: string | null;
  changedAt: string | null;
  /** The entity's current deletedAt and deletionId; null when its row is gone (purged). */
  row: { deletedAt: string | null; deletionId: string | null } | null;
}

interface FullRow extends Record<string, unknown> {
  xmin: string;
  k: number | null;
  id: string | null;
}

const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const asDate = (v: string | null): Date | null => (v === null ? null : new Date(/[zZ]$/.test(v) ? v : `${v}Z`));

/** Decodes a cursor argument: BAD_USER_INPUT for anything but a cursor this server gave. */
export function parseSyncCursor(value: unknown): SyncPosition {
  try {
    return decodeSyncCursor(value);
  } catch (err) {
    if (err instanceof InvalidSyncCursor) throw new ValidationError(err.message, 'since');
    throw err;
  }
}

function pageSize(first: number | null | undefined): number {
  const n = first ?? DEFAULT_SYNC_PAGE;
  if (!Number.isInteger(n) || n < 1 || n > MAX_SYNC_PAGE) {
    throw new ValidationError(`first must be between 1 and ${MAX_SYNC_PAGE}.`, 'first');
  }
  return n;
}

/** What the GraphQL layer passes: per kind, the selection its `node` fields need (Pothos's queryFromInfo). */
export interface SyncSelection {
  COURSE?: Selection<Prisma.CourseFindManyArgs>;
  ASSIGNMENT?: Selection<Prisma.AssignmentFindManyArgs>;
  LECTURE?: Selection<Prisma.LectureFindManyArgs>;
  STUDY_SESSION?: Selection<Prisma.StudySessionFindManyArgs>;
}

/**
 * The live rows of `ids` per kind, with the selection of each kind: one findMany per kind present
 * (the soft-delete extension keeps deleted rows out).
 */
async function loadRows(
  ctx: DomainContext,
  userId: string,
  ids: Map<SyncKind, string[]>,
  selection: SyncSelection,
): Promise<Map<string, SyncRow>> {
  const found = await Promise.all(
    [...ids].map(([kind, list]): Promise<SyncRow[]> => {
      const where = { id: { in: list }, userId };
      if (kind === 'COURSE') return ctx.db.course.findMany({ where, ...selection.COURSE });
      if (kind === 'ASSIGNMENT') return ctx.db.assignment.findMany({ where, ...selection.ASSIGNMENT });
      if (kind === 'LECTURE') return ctx.db.lecture.findMany({ where, ...selection.LECTURE });
      return ctx.db.studySession.findMany({ where, ...selection.STUDY_SESSION });
    }),
  );
  return new Map(found.flat().map((row) => [row.id, row]));
}

function group(entries: { kind: SyncKind; id: string }[]): Map<SyncKind, string[]> {
  const out = new Map<SyncKind, string[]>();
  for (const { kind, id } of entries) out.set(kind, [...(out.get(kind) ?? []), id]);
  return out;
}

/**
 * `changes(since, first)`: what changed in the viewer's courses and tasks since `since`, in
 * commit order, one entry per entity with its current row or a tombstone. `since: null` starts a
 * full sync (every live row, then the log from the first page's snapshot). Exact under concurrent
 * writers: see cursor.ts. SYNC_CURSOR_EXPIRED when the log after the cursor was pruned. One
 * statement reads the page; the live entities' rows follow, one statement per kind present.
 */
export async function listChanges(
  ctx: DomainContext,
  input: { since?: SyncPosition | null; first?: number | null },
  selection: SyncSelection = {},
): Promise<ChangesPage> {
  const viewer = requireViewer(ctx);
  const first = pageSize(input.first);
  const since = input.since ?? null;
  if (since === null || since.phase === 'full') return fullPage(ctx, viewer.id, first, since, selection);
  return logPage(ctx, viewer.id, first, since, selection);
}

async function fullPage(
  ctx: DomainContext,
  userId: string,
  first: number,
  since: Extract<SyncPosition, { phase: 'full' }> | null,
  selection: SyncSelection,
): Promise<ChangesPage> {
  const rows = await queryRows<FullRow>(ctx.db, FULL_PAGE, [
    userId,
    since ? since.xmin.toString() : null,
    since?.kind ?? -1,
    since?.id ?? NIL_UUID,
    first,
  ]);
  const xmin = BigInt(rows[0]!.xmin);
  const found = rows.filter((r): r is FullRow & { k: number; id: string } => r.k !== null && r.id !== null);
  const kept = found.slice(0, first).map((r) => ({ k: r.k, kind: SYNC_KINDS[r.k]!, id: r.id }));
  const hasMore = found.length > first;
  const last = kept[kept.length - 1];
  const cursor: SyncPosition =
    hasMore && last ? { phase: 'full', xmin, kind: last.k, id: last.id } : { phase: 'log', xid: xmin, seq: 0n };
  const current = await loadRows(ctx, userId, group(kept), selection);
  // A row deleted between the two statements is left out: its deletion comes with the log.
  const changes = kept
    .filter((e) => current.has(e.id))
    .map((e) => ({
      kind: e.kind,
      id: e.id,
      operation: 'SNAPSHOT' as const,
      row: current.get(e.id)!,
      deletedAt: null,
      deletionId: null,
      changedAt: null,
    }));
  return { changes, cursor: encodeSyncCursor(cursor), hasMore, caughtUp: true, fullSync: hasMore };
}

async function logPage(
  ctx: DomainContext,
  userId: string,
  first: number,
  since: SyncPosition,
  selection: SyncSelection,
): Promise<ChangesPage> {
  const start = logStart(since);
  const rows = await queryRows<LogRow>(ctx.db, LOG_PAGE, [
    userId,
    'planner',
    start.xid.toString(),
    start.seq.toString(),
    first,
  ]);
  const meta = rows[0]!;
  if (meta.expired) throw new SyncCursorExpiredError();
  const xmin = BigInt(meta.xmin);
  // A cursor past every finished transaction was not written by this database.
  if (start.xid > xmin) throw new ValidationError(new InvalidSyncCursor().message, 'since');
  const next: SyncPosition =
    meta.hasMore && meta.lastXid !== null && meta.lastSeq !== null
      ? { phase: 'log', xid: BigInt(meta.lastXid), seq: BigInt(meta.lastSeq) }
      : { phase: 'log', xid: xmin, seq: 0n };
  const entries = rows
    .filter((r) => r.kind !== null && r.entityId !== null && r.operation !== null)
    .map((r) => ({ ...r, kind: r.kind!, id: r.entityId!, operation: r.operation! }));
  const live = entries.filter((e) => e.row !== null && e.row.deletedAt === null);
  const current = await loadRows(ctx, userId, group(live), selection);
  const changes = entries.map((e): SyncChangeItem => {
    const row = current.get(e.id) ?? null;
    // A row purged since (hard delete after DELETED_RETENTION_DAYS): the tombstone as logged.
    const deletedAt = row ? null : (asDate(e.row?.deletedAt ?? null) ?? asDate(e.rowDeletedAt) ?? ctx.now());
    return {
      kind: e.kind,
      id: e.id,
      operation: e.operation,
      row,
      deletedAt,
      deletionId: row ? null : (e.row?.deletionId ?? e.rowDeletionId),
      changedAt: asDate(e.changedAt),
    };
  });
  return {
    changes,
    cursor: encodeSyncCursor(next),
    hasMore: meta.hasMore,
    caughtUp: meta.hasMore || !meta.heldBack,
    fullSync: false,
  };
}

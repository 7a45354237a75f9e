import { randomUUID } from 'node:crypto';
import type { Tx } from '../../db/client.js';
import { withDeleted } from '../../db/soft-delete.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { recordEvent } from '../../events/outbox.js';
import type { LectureSeriesChangedV1 } from '../../events/types.js';
import type { LectureSeries } from '../../generated/prisma/client.js';
import { isLiveOwned, isUuid, lockOwned, requireViewer } from '../access.js';
import type { Deletion } from '../deletion.js';
import type { DomainContext } from '../domain-context.js';
import { inTransaction, optionalText, requiredText } from '../shared.js';
import { TITLE_MAX, checkSpan, notNull, requireChange } from '../timed-tasks/rules.js';
import { LOCATION_MAX } from './lecture-fields.js';
import { expandOccurrences, normalizeRecurrence, parseRecurrence, type Occurrence } from './recurrence.js';

export interface CreateLectureSeriesInput {
  /** One of the viewer's live courses (a raw uuid). */
  courseId: string;
  title: string;
  /** The first occurrence's window: its wall-clock time in the viewer's zone is every occurrence's. */
  startsAt: Date;
  endsAt: Date;
  location?: string | null;
  /** An RFC 5545 RRULE value (src/resolvers/lectures/recurrence.ts says what is accepted). */
  recurrence: string;
}

export interface UpdateLectureSeriesInput {
  id: string;
  title?: string | null;
  /** null or empty clears it. */
  location?: string | null;
  startsAt?: Date | null;
  endsAt?: Date | null;
  recurrence?: string | null;
}

type Counts = Pick<LectureSeriesChangedV1, 'created' | 'updated' | 'deleted' | 'restored'>;
const NONE: Counts = { created: 0, updated: 0, deleted: 0, restored: 0 };

/** The viewer's time zone: a series repeats in it (DST-safe wall-clock times). */
async function viewerZone(ctx: DomainContext): Promise<string> {
  const viewer = requireViewer(ctx);
  const user = await ctx.db.user.findUnique({ where: { id: viewer.id }, select: { timezone: true } });
  if (!user) throw new NotFoundError('User');
  return user.timezone;
}

function recordSeriesEvent(
  tx: Tx,
  type: 'lectureSeries.created' | 'lectureSeries.updated' | 'lectureSeries.deleted' | 'lectureSeries.restored',
  series: Pick<LectureSeries, 'id' | 'userId' | 'courseId'>,
  counts: Partial<Counts>,
  deletionId?: string,
): Promise<string> {
  const payload: LectureSeriesChangedV1 = {
    userId: series.userId,
    courseId: series.courseId,
    seriesId: series.id,
    ...NONE,
    ...counts,
    ...(deletionId ? { deletionId } : {}),
  };
  return recordEvent(tx, { type, payload, userId: series.userId, aggregateId: series.id });
}

/**
 * A weekly (or daily) lecture in one of the viewer's courses: the series and all its occurrences
 * as lectures, expanded in the viewer's time zone, in one transaction (the course held live).
 * Records one `lectureSeries.created`.
 */
export async function createLectureSeries(ctx: DomainContext, input: CreateLectureSeriesInput): Promise<LectureSeries> {
  const viewer = requireViewer(ctx);
  const title = requiredText(input.title, 'title', TITLE_MAX);
  const location = optionalText(input.location, 'location', LOCATION_MAX) ?? null;
  const { startsAt, endsAt } = checkSpan({ startsAt: input.startsAt, endsAt: input.endsAt });
  const timezone = await viewerZone(ctx);
  const rule = parseRecurrence(input.recurrence, timezone);
  const occurrences = expandOccurrences(rule, { startsAt, endsAt, timeZone: timezone });
  const recurrence = normalizeRecurrence(rule, timezone);

  return inTransaction(ctx, async (tx) => {
    const courseId = await lockOwned(tx, ctx, 'Course', input.courseId, { mode: 'SHARE' });
    const series = await tx.lectureSeries.create({
      data: { userId: viewer.id, courseId, title, location, recurrence, startsAt, endsAt, timezone },
    });
    await tx.lecture.createMany({
      data: occurrences.map((o) => ({
        userId: viewer.id,
        courseId,
        seriesId: series.id,
        occurrenceDate: o.date,
        title,
        location,
        startsAt: o.startsAt,
        endsAt: o.endsAt,
      })),
    });
    await recordSeriesEvent(tx, 'lectureSeries.created', series, { created: occurrences.length });
    return series;
  });
}

/** Locks one of the viewer's series (a deleted one too with `includeDeleted`); NOT_FOUND otherwise. */
async function lockSeries(tx: Tx, ctx: DomainContext, id: string, includeDeleted = false): Promise<LectureSeries> {
  await lockOwned(tx, ctx, 'LectureSeries', id, { includeDeleted });
  return tx.lectureSeries.findFirstOrThrow({ where: withDeleted({ id }) });
}

const dayKey = (date: Date) => date.toISOString().slice(0, 10);
const utcText = (date: Date) => date.toISOString().replace('Z', '');

/**
 * Edits the whole series: its title, location, time, length or rule. Occurrences edited on their
 * own (updateLecture on one: "this occurrence") and cancelled ones (deleteLecture on one) stay as
 * they are; every other occurrence follows the series: moved to the new time, renamed, removed
 * when the rule no longer has its day (soft-deleted under the series' id, so a later edit that
 * gives the day back brings the same lecture back), created for a new day. The rule is expanded
 * in the viewer's current time zone. Records one `lectureSeries.updated` with the counts.
 */
export async function updateLectureSeries(ctx: DomainContext, input: UpdateLectureSeriesInput): Promise<LectureSeries> {
  requireChange(input);
  const newTitle = notNull(input.title, 'title');
  const title = newTitle === undefined ? undefined : requiredText(newTitle, 'title', TITLE_MAX);
  const location = input.location === undefined ? undefined : optionalText(input.location, 'location', LOCATION_MAX);
  const newRecurrence = notNull(input.recurrence, 'recurrence');
  const newStart = notNull(input.startsAt, 'startsAt');
  const newEnd = notNull(input.endsAt, 'endsAt');
  const timezone = await viewerZone(ctx);
  if (!isUuid(input.id)) throw new NotFoundError('LectureSeries');

  return inTransaction(ctx, async (tx) => {
    const stored = await lockSeries(tx, ctx, input.id);
    const span = checkSpan({ startsAt: newStart ?? stored.startsAt, endsAt: newEnd ?? stored.endsAt });
    const rule = parseRecurrence(newRecurrence ?? stored.recurrence, timezone);
    const wanted = new Map(expandOccurrences(rule, { ...span, timeZone: timezone }).map((o) => [dayKey(o.date), o]));
    const next = {
      title: title ?? stored.title,
      location: location === undefined ? stored.location : location,
    };
    const rows = await tx.lecture.findMany({
      where: withDeleted({ seriesId: stored.id }),
      select: { id: true, occurrenceDate: true, deletedAt: true, deletionId: true, detached: true },
    });
    const moved: { id: string; o: Occurrence }[] = [];
    const removed: string[] = [];
    const backAgain: { id: string; o: Occurrence }[] = [];
    const seen = new Set<string>();
    for (const row of rows) {
      const key = row.occurrenceDate ? dayKey(row.occurrenceDate) : '';
      seen.add(key);
      const o = wanted.get(key);
      if (row.detached) continue;
      if (!row.deletedAt) {
        if (o) moved.push({ id: row.id, o });
        else removed.push(row.id);
      } else if (o && row.deletionId === stored.id) {
        backAgain.push({ id: row.id, o });
      }
    }
    const created = [...wanted.entries()].filter(([key]) => !seen.has(key)).map(([, o]) => o);
    const at = new Date();
    const following = [...moved, ...backAgain];
    if (following.length > 0) {
      // One statement for every occurrence that follows the series (each its own new window).
      await tx.$executeRaw`
        UPDATE "Lecture" AS l
        SET "title" = ${next.title}, "location" = ${next.location}, "startsAt" = v.s::timestamp,
            "endsAt" = v.e::timestamp, "deletedAt" = NULL, "deletionId" = NULL, "updatedAt" = ${at}::timestamp
        FROM unnest(${following.map((f) => f.id)}::uuid[], ${following.map((f) => utcText(f.o.startsAt))}::text[],
                    ${following.map((f) => utcText(f.o.endsAt))}::text[]) AS v(id, s, e)
        WHERE l."id" = v.id AND l."seriesId" = ${stored.id}::uuid`;
    }
    if (removed.length > 0) {
      await tx.lecture.deleteMany({ where: { id: { in: removed } }, deletionId: stored.id, now: ctx.now() });
    }
    if (created.length > 0) {
      await tx.lecture.createMany({
        data: created.map((o) => ({
          userId: stored.userId,
          courseId: stored.courseId,
          seriesId: stored.id,
          occurrenceDate: o.date,
          ...next,
          startsAt: o.startsAt,
          endsAt: o.endsAt,
        })),
      });
    }
    const series = await tx.lectureSeries.update({
      where: { id: stored.id },
      data: { ...next, ...span, timezone, recurrence: normalizeRecurrence(rule, timezone) },
    });
    await recordSeriesEvent(tx, 'lectureSeries.updated', series, {
      created: created.length,
      updated: moved.length,
      deleted: removed.length,
      restored: backAgain.length,
    });
    return series;
  });
}

/**
 * Soft-deletes one of the viewer's series and its live occurrences under one deletionId;
 * restoreLectureSeries brings back exactly those. Records `lectureSeries.deleted`.
 */
export async function deleteLectureSeries(ctx: DomainContext, input: { id: string }): Promise<Deletion> {
  const deletionId = randomUUID();
  const now = ctx.now();
  return inTransaction(ctx, async (tx) => {
    const stored = await lockSeries(tx, ctx, input.id);
    const lectures = await tx.lecture.deleteMany({ where: { seriesId: stored.id }, deletionId, now });
    await tx.lectureSeries.delete({ where: { id: stored.id }, deletionId, now });
    await recordSeriesEvent(tx, 'lectureSeries.deleted', stored, { deleted: lectures.count }, deletionId);
    return { deletedId: stored.id, deletionId };
  });
}

/**
 * Brings back one of the viewer's deleted series and the occurrences its deletion took; a live one
 * is returned unchanged. CONFLICT while its course is deleted. Records `lectureSeries.restored`.
 */
export async function restoreLectureSeries(ctx: DomainContext, input: { id: string }): Promise<LectureSeries> {
  return inTransaction(ctx, async (tx) => {
    const stored = await lockSeries(tx, ctx, input.id, true);
    if (!stored.deletedAt) return stored;
    if (!(await isLiveOwned(tx, ctx, 'Course', stored.courseId))) {
      throw new ConflictError('The course of this lecture series is deleted: restore the course first.', {
        field: 'id',
      });
    }
    const deletionId = stored.deletionId ?? undefined;
    const lectures = deletionId
      ? await tx.lecture.restore({ where: { seriesId: stored.id }, deletionId })
      : { count: 0 };
    await tx.lectureSeries.restore({ where: { id: stored.id } });
    await recordSeriesEvent(tx, 'lectureSeries.restored', stored, { restored: lectures.count }, deletionId);
    return tx.lectureSeries.findUniqueOrThrow({ where: { id: stored.id } });
  });
}

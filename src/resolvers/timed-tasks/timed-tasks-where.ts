import { NotFoundError, ValidationError } from '../../errors.js';
import { accessWhere, isUuid, ownRows, type OwnedEntity } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import { checkSearch, searchWhere } from '../find-and-sort.js';
import type { TimedEntity, TimedWhere } from './timed-table.js';

/** What a list of lectures or study sessions may be narrowed to. */
export interface TimedTaskFilter {
  /** Only rows of this course, which must be one of the viewer's live courses. */
  courseId?: string | null;
  /** Only rows starting at or after this instant. */
  from?: Date | null;
  /** Only rows starting before this instant. */
  to?: Date | null;
  /** Title or the kind's free text (location, notes) contains this, case-insensitively (find-and-sort.ts). */
  search?: string | null;
}

/**
 * Another row a filter names (the assignment of study sessions): only rows pointing at it, which
 * must be one of the viewer's live rows.
 */
export interface OwnedFilterRow {
  entity: OwnedEntity;
  column: 'assignmentId';
  id: string | null | undefined;
  /** Finds the row by the access policy's where clause (null when there is none). */
  find(where: { id: string; userId?: string }): Promise<unknown>;
}

export interface TimedTasksWhereInput {
  /** Whose columns a search reads. */
  entity: TimedEntity;
  filter: TimedTaskFilter;
  also?: OwnedFilterRow[];
  /** The row id a page starts after or before (what the connection decoded from its cursor). */
  cursor?: { id?: string };
}

/**
 * The where clause of the viewer's own live lectures or study sessions in `filter` (an admin's
 * too: lists show one's own). The window is by start: from <= startsAt < to, so a row still
 * running at `from` is not in it. A cursor can be forged: the id inside must be a uuid before it
 * reaches the column (BAD_USER_INPUT). The course and each row of `also` must be one of the
 * viewer's live rows, else NOT_FOUND (looked up together, reported in that order).
 */
export async function timedTasksWhere(ctx: DomainContext, input: TimedTasksWhereInput): Promise<TimedWhere> {
  const { filter, also = [], cursor } = input;
  const { courseId, from, to } = filter;
  const search = checkSearch(filter.search);
  const own = ownRows(ctx);
  if (from && to && to <= from) throw new ValidationError('to must be after from.', 'to');
  if (cursor && !(cursor.id && isUuid(cursor.id)))
    throw new ValidationError('after/before is not a cursor of this list.');
  const course = {
    entity: 'Course' as const,
    id: courseId,
    find: (where: { id: string; userId?: string }) => ctx.db.course.findFirst({ where, select: { id: true } }),
  };
  const named = [course, ...also].flatMap((row) =>
    row.id == null ? [] : [{ entity: row.entity, find: row.find, where: accessWhere(ctx, row.entity, row.id, 'own') }],
  );
  const found = await Promise.all(named.map((row) => row.find(row.where)));
  const missing = named.find((_row, i) => !found[i]);
  if (missing) throw new NotFoundError(missing.entity);
  const where: TimedWhere = { ...own, ...(courseId != null ? { courseId } : {}) };
  for (const row of also) if (row.id != null) where[row.column] = row.id;
  if (from || to) where.startsAt = { ...(from ? { gte: from } : {}), ...(to ? { lt: to } : {}) };
  return { ...where, ...searchWhere(input.entity, search) };
}

import type { DomainContext } from '../context.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { checkId, isUuid } from '../ownership.js';
import { requireViewer } from '../shared.js';

export interface ListLecturesInput {
  /** Only lectures of this course, which must be one of the viewer's live courses. */
  courseId?: string | null;
  /** Only lectures starting at or after this instant. */
  from?: Date | null;
  /** Only lectures starting before this instant. */
  to?: Date | null;
  /** The row id a page starts after (or before): what the connection decoded from its cursor. */
  cursor?: string | null;
}

/**
 * The where and order of the viewer's lectures connection; the connection layer adds paging.
 * Only the viewer's own live lectures (an admin's too), by startsAt then id. The window is by
 * start: from <= startsAt < to, so a lecture still running at `from` is not in it.
 */
export async function listLectures(
  ctx: DomainContext,
  input: ListLecturesInput,
): Promise<{ where: Prisma.LectureWhereInput; orderBy: Prisma.LectureOrderByWithRelationInput[] }> {
  const viewer = requireViewer(ctx);
  const { courseId, from, to } = input;
  if (from && to && to <= from) throw new ValidationError('to must be after from.', 'to');
  // A cursor is opaque but can be forged: the id inside must be a uuid before it reaches the column.
  if (input.cursor != null && !isUuid(input.cursor))
    throw new ValidationError('after/before is not a cursor of this list.');
  if (courseId != null) {
    const course = await ctx.db.course.findFirst({
      where: { id: checkId(courseId, 'Course'), userId: viewer.id },
      select: { id: true },
    });
    if (!course) throw new NotFoundError('Course');
  }
  return {
    where: {
      userId: viewer.id,
      ...(courseId != null ? { courseId } : {}),
      ...(from || to ? { startsAt: { ...(from ? { gte: from } : {}), ...(to ? { lt: to } : {}) } } : {}),
    },
    orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
  };
}

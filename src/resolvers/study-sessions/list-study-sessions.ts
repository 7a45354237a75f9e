import type { DomainContext } from '../context.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { checkId, isUuid } from '../ownership.js';
import { requireViewer } from '../shared.js';

export interface ListStudySessionsInput {
  /** Only sessions of this course, which must be one of the viewer's live courses. */
  courseId?: string | null;
  /** Only sessions for this assignment, which must be one of the viewer's live assignments. */
  assignmentId?: string | null;
  /** Only sessions starting at or after this instant. */
  from?: Date | null;
  /** Only sessions starting before this instant. */
  to?: Date | null;
  /** The row id a page starts after (or before): what the connection decoded from its cursor. */
  cursor?: string | null;
}

/**
 * The where and order of the viewer's study-sessions connection; the connection layer adds
 * paging. Only the viewer's own live sessions (an admin's too), by startsAt then id. The window
 * is by planned start: from <= startsAt < to.
 */
export async function listStudySessions(
  ctx: DomainContext,
  input: ListStudySessionsInput,
): Promise<{ where: Prisma.StudySessionWhereInput; orderBy: Prisma.StudySessionOrderByWithRelationInput[] }> {
  const viewer = requireViewer(ctx);
  const { courseId, assignmentId, from, to } = input;
  if (from && to && to <= from) throw new ValidationError('to must be after from.', 'to');
  // A cursor is opaque but can be forged: the id inside must be a uuid before it reaches the column.
  if (input.cursor != null && !isUuid(input.cursor))
    throw new ValidationError('after/before is not a cursor of this list.');
  const [course, assignment] = await Promise.all([
    courseId == null
      ? true
      : ctx.db.course.findFirst({
          where: { id: checkId(courseId, 'Course'), userId: viewer.id },
          select: { id: true },
        }),
    assignmentId == null
      ? true
      : ctx.db.assignment.findFirst({
          where: { id: checkId(assignmentId, 'Assignment'), userId: viewer.id },
          select: { id: true },
        }),
  ]);
  if (!course) throw new NotFoundError('Course');
  if (!assignment) throw new NotFoundError('Assignment');
  return {
    where: {
      userId: viewer.id,
      ...(courseId != null ? { courseId } : {}),
      ...(assignmentId != null ? { assignmentId } : {}),
      ...(from || to ? { startsAt: { ...(from ? { gte: from } : {}), ...(to ? { lt: to } : {}) } } : {}),
    },
    orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
  };
}

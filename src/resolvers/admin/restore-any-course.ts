import { withDeleted } from '../../db/soft-delete.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { recordEvent } from '../../events/outbox.js';
import type { Course, Prisma } from '../../generated/prisma/client.js';
import { isUuid, requireAdmin } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { inTransaction } from '../shared.js';
import { recordAudit } from './record-audit.js';

/**
 * Admin only: restoreCourse for any student's course: brings back the course and exactly the
 * tasks its deletion took (same deletionId), records `course.restored` (the owner is notified)
 * and an audit row. CONFLICT when the owner's account is deleted (restore the account first).
 * A course that is not deleted is returned unchanged, unlogged.
 */
export async function restoreAnyCourse(
  ctx: DomainContext,
  input: { id: string },
  query?: Selection<Prisma.CourseFindUniqueArgs>,
): Promise<Course> {
  const admin = requireAdmin(ctx);
  if (!isUuid(input.id)) throw new NotFoundError('Course');
  return inTransaction(ctx, async (tx) => {
    const course = await tx.course.findFirst({
      where: withDeleted({ id: input.id }),
      select: { id: true, userId: true, deletedAt: true, deletionId: true },
    });
    if (!course) throw new NotFoundError('Course');
    if (course.deletedAt) {
      const owner = await tx.user.findUnique({ where: { id: course.userId }, select: { id: true } });
      if (!owner) throw new ConflictError("The course's owner account is deleted; restore the account first.");
      const deletionId = course.deletionId ?? undefined;
      // Restoring the course row first locks it: a concurrent restore waits, then restores nothing.
      const { count } = await tx.course.restore({ where: { id: course.id }, deletionId });
      if (count > 0) {
        const children = { where: { courseId: course.id }, deletionId };
        const none = { count: 0 };
        const assignments = deletionId ? await tx.assignment.restore(children) : none;
        if (deletionId) await tx.lectureSeries.restore(children);
        const lectures = deletionId ? await tx.lecture.restore(children) : none;
        const studySessions = deletionId ? await tx.studySession.restore(children) : none;
        const counts = { assignments: assignments.count, lectures: lectures.count, studySessions: studySessions.count };
        await recordEvent(tx, {
          type: 'course.restored',
          payload: { userId: course.userId, courseId: course.id, deletionId: deletionId ?? '', ...counts },
          userId: course.userId,
          aggregateId: course.id,
        });
        await recordAudit(tx, {
          actorId: admin.id,
          action: 'course.restore',
          targetType: 'Course',
          targetId: course.id,
          before: { deletedAt: course.deletedAt.toISOString(), deletionId: course.deletionId },
          after: { deletedAt: null, restored: counts },
          at: ctx.now(),
        });
      }
    }
    return tx.course.findUniqueOrThrow({ ...query, where: { id: course.id } });
  });
}

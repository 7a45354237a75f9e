import type { DomainContext } from '../context.js';
import type { Tx } from '../../db/client.js';
import { withDeleted } from '../../db/soft-delete.js';
import { NotFoundError } from '../../errors.js';
import { recordEvent } from '../../events/outbox.js';
import type { Course } from '../../generated/prisma/client.js';
import { ownedWhere } from '../ownership.js';
import { inTransaction } from '../shared.js';

/**
 * Brings back the viewer's deleted course and exactly the rows its deletion took (same
 * deletionId); children deleted before it on their own stay deleted. A course that is not
 * deleted is returned unchanged, with no event. Records `course.restored` with counts.
 */
export async function restoreCourse(ctx: DomainContext, id: string, query: object = {}): Promise<Course> {
  const where = ownedWhere(ctx, 'Course', id, 'own');
  return inTransaction(ctx, async (tx) => {
    const course = await tx.course.findFirst({ where: withDeleted(where) });
    if (!course) throw new NotFoundError('Course');
    if (course.deletedAt) await restoreDeletion(tx, course);
    return tx.course.findUniqueOrThrow({ ...query, where: { id } });
  });
}

async function restoreDeletion(tx: Tx, course: Course): Promise<void> {
  // The soft-delete extension always sets a deletionId; a row deleted by hand comes back alone.
  const deletionId = course.deletionId ?? undefined;
  // Restoring the course row first locks it: a concurrent restore waits, then restores nothing.
  const restored = await tx.course.restore({ where: { id: course.id }, deletionId });
  if (restored.count === 0) return;
  const children = { where: { courseId: course.id }, deletionId };
  const none = { count: 0 };
  const assignments = deletionId ? await tx.assignment.restore(children) : none;
  const lectures = deletionId ? await tx.lecture.restore(children) : none;
  const studySessions = deletionId ? await tx.studySession.restore(children) : none;
  await recordEvent(tx, {
    type: 'course.restored',
    payload: {
      userId: course.userId,
      courseId: course.id,
      deletionId: deletionId ?? '',
      assignments: assignments.count,
      lectures: lectures.count,
      studySessions: studySessions.count,
    },
    userId: course.userId,
    aggregateId: course.id,
  });
}

import type { Tx } from '../../db/client.js';
import { withDeleted } from '../../db/soft-delete.js';
import { recordEvent } from '../../events/outbox.js';
import type { Course, Prisma } from '../../generated/prisma/client.js';
import { lockOwned } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { inTransaction } from '../shared.js';

/**
 * Brings back the viewer's deleted course and exactly the rows its deletion took (same
 * deletionId); children deleted before it on their own stay deleted. A course that is not
 * deleted is returned unchanged, with no event. Records `course.restored` with counts.
 */
export async function restoreCourse(
  ctx: DomainContext,
  input: { id: string },
  query?: Selection<Prisma.CourseFindUniqueArgs>,
): Promise<Course> {
  const { id } = input;
  return inTransaction(ctx, async (tx) => {
    // The lock makes a concurrent restore (or delete) wait, then see this one's outcome.
    await lockOwned(tx, ctx, 'Course', id, { includeDeleted: true });
    const course = await tx.course.findFirstOrThrow({ where: withDeleted({ id }) });
    if (course.deletedAt) await restoreDeletion(tx, course);
    return tx.course.findUniqueOrThrow({ ...query, where: { id } });
  });
}

async function restoreDeletion(tx: Tx, course: Course): Promise<void> {
  // The soft-delete extension always sets a deletionId; a row deleted by hand comes back alone.
  const deletionId = course.deletionId ?? undefined;
  await tx.course.restore({ where: { id: course.id }, deletionId });
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

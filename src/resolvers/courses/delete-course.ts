import { randomUUID } from 'node:crypto';
import { recordEvent } from '../../events/outbox.js';
import { lockOwned, requireViewer } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import type { Deletion } from '../deletion.js';
import { inTransaction } from '../shared.js';

/**
 * Soft-deletes the viewer's course and its live assignments, lectures and study sessions, in one
 * transaction under one deletionId, so restoreCourse brings back exactly these rows. Children
 * deleted earlier on their own keep their own deletionId. Records `course.deleted` with counts.
 */
export async function deleteCourse(ctx: DomainContext, input: { id: string }): Promise<Deletion> {
  const viewer = requireViewer(ctx);
  const { id } = input;
  const now = ctx.now();
  const deletionId = randomUUID();
  await inTransaction(ctx, async (tx) => {
    // The course first: its row lock makes a concurrent delete wait, then find nothing.
    await lockOwned(tx, ctx, 'Course', id);
    await tx.course.delete({ where: { id }, deletionId, now });
    const children = { where: { courseId: id }, deletionId, now };
    const studySessions = await tx.studySession.deleteMany(children);
    const assignments = await tx.assignment.deleteMany(children);
    const lectures = await tx.lecture.deleteMany(children);
    await recordEvent(tx, {
      type: 'course.deleted',
      payload: {
        userId: viewer.id,
        courseId: id,
        deletionId,
        assignments: assignments.count,
        lectures: lectures.count,
        studySessions: studySessions.count,
      },
      userId: viewer.id,
      aggregateId: id,
    });
  });
  return { deletedId: id, deletionId };
}

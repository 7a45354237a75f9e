import { randomUUID } from 'node:crypto';
import type { DomainContext } from '../context.js';
import { NotFoundError } from '../../errors.js';
import { recordEvent } from '../../events/outbox.js';
import { ownedWhere } from '../ownership.js';
import { inTransaction, requireViewer } from '../shared.js';

/** What a delete mutation answers: the row's id and the deletion that took it (and its cascade). */
export interface Deletion {
  deletedId: string;
  deletionId: string;
}

/**
 * Soft-deletes the viewer's course and its live assignments, lectures and study sessions, in one
 * transaction under one deletionId, so restoreCourse brings back exactly these rows. Children
 * deleted earlier on their own keep their own deletionId. Records `course.deleted` with counts.
 */
export async function deleteCourse(ctx: DomainContext, id: string): Promise<Deletion> {
  const viewer = requireViewer(ctx);
  const where = ownedWhere(ctx, 'Course', id, 'own');
  const now = ctx.now();
  const deletionId = randomUUID();
  await inTransaction(ctx, async (tx) => {
    // The course first: its row lock makes a concurrent delete wait, then find nothing.
    const { count } = await tx.course.delete({ where, deletionId, now });
    if (count === 0) throw new NotFoundError('Course');
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

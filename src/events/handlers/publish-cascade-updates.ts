import { cascadedTasks } from '../../resolvers/tasks/cascaded-tasks.js';
import { defineHandler, type HandlerContext } from '../handler.js';
import type { PublishDeps } from './publish-task-update.js';

const TYPES = {
  ASSIGNMENT: { deleted: 'assignment.deleted', restored: 'assignment.restored' },
  LECTURE: { deleted: 'lecture.deleted', restored: 'lecture.restored' },
  STUDY_SESSION: { deleted: 'studySession.deleted', restored: 'studySession.restored' },
} as const;

/**
 * A cascade → one `taskUpdates` message per task it took or brought back, so a live agenda drops
 * and restores them without reloading. Cascades record one event for the row the student acted
 * on (`course.deleted`, or `assignment.deleted` with its study sessions).
 *
 * - Deletion: the rows it took share its deletionId, which finds them (the deletion indexes).
 * - Restore: `restore` clears deletionId (src/db/soft-delete.ts), so the rows it brought back
 *   cannot be told from rows that never left: every live task of the course (or every live study
 *   session of the assignment) is announced as RESTORED. A client upserts by task id, so a task
 *   that never left is simply confirmed.
 *
 * Each message carries the cascade's event id, its change and the task: de-duplicate by
 * (eventId, taskId). The acted-on assignment itself is published by publish-task-update.
 */
export const publishCascadeUpdates = defineHandler({
  name: 'publish-cascade-updates',
  eventTypes: ['course.deleted', 'course.restored', 'assignment.deleted', 'assignment.restored'],
  async handle(event, { db, live }: HandlerContext & PublishDeps) {
    const { deletionId, userId, courseId } = event.payload;
    const change = event.type.endsWith('.deleted') ? 'deleted' : 'restored';
    if (change === 'deleted' && !deletionId) return 'skipped';
    const tasks = await cascadedTasks(
      db,
      userId,
      change === 'deleted'
        ? { deletionId: deletionId! }
        : event.type === 'course.restored'
          ? { courseId }
          : { assignmentId: event.aggregateId ?? '' },
    );
    const except = event.type.startsWith('assignment.') ? event.aggregateId : null;
    for (const task of tasks) {
      if (task.id === except) continue;
      live.publish('taskUpdates', userId, {
        eventId: event.id,
        type: TYPES[task.kind][change],
        kind: task.kind,
        taskId: task.id,
        courseId: task.courseId,
        userId,
        occurredAt: event.occurredAt.toISOString(),
      });
    }
    return 'done';
  },
});

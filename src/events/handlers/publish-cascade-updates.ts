import type { Db } from '../../db/client.js';
import { defineHandler, type HandlerContext } from '../bus.js';
import type { TaskKind } from '../types.js';
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
    let tasks: CascadedTask[];
    if (change === 'deleted') {
      if (!deletionId) return 'skipped';
      tasks = await deletedTogether(db, userId, deletionId);
    } else if (event.type === 'course.restored') {
      tasks = await liveTasksOfCourse(db, userId, courseId);
    } else {
      tasks = await liveSessionsOf(db, userId, event.aggregateId ?? '');
    }
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

interface CascadedTask {
  id: string;
  courseId: string;
  kind: TaskKind;
}

/** Every task of `userId` one deletion took. */
function deletedTogether(db: Db, userId: string, deletionId: string): Promise<CascadedTask[]> {
  return db.$queryRaw`
    SELECT "id", "courseId", 'ASSIGNMENT' AS "kind" FROM "Assignment" WHERE "deletionId" = ${deletionId}::uuid AND "userId" = ${userId}::uuid
    UNION ALL
    SELECT "id", "courseId", 'LECTURE' FROM "Lecture" WHERE "deletionId" = ${deletionId}::uuid AND "userId" = ${userId}::uuid
    UNION ALL
    SELECT "id", "courseId", 'STUDY_SESSION' FROM "StudySession" WHERE "deletionId" = ${deletionId}::uuid AND "userId" = ${userId}::uuid`;
}

/** Every live task of a course (the course page indexes). */
function liveTasksOfCourse(db: Db, userId: string, courseId: string): Promise<CascadedTask[]> {
  return db.$queryRaw`
    SELECT "id", "courseId", 'ASSIGNMENT' AS "kind" FROM "Assignment" WHERE "courseId" = ${courseId}::uuid AND "userId" = ${userId}::uuid AND "deletedAt" IS NULL
    UNION ALL
    SELECT "id", "courseId", 'LECTURE' FROM "Lecture" WHERE "courseId" = ${courseId}::uuid AND "userId" = ${userId}::uuid AND "deletedAt" IS NULL
    UNION ALL
    SELECT "id", "courseId", 'STUDY_SESSION' FROM "StudySession" WHERE "courseId" = ${courseId}::uuid AND "userId" = ${userId}::uuid AND "deletedAt" IS NULL`;
}

/** The live study sessions planned for an assignment. */
function liveSessionsOf(db: Db, userId: string, assignmentId: string): Promise<CascadedTask[]> {
  return db.$queryRaw`
    SELECT "id", "courseId", 'STUDY_SESSION' AS "kind" FROM "StudySession"
    WHERE "assignmentId" = ${assignmentId}::uuid AND "userId" = ${userId}::uuid AND "deletedAt" IS NULL`;
}

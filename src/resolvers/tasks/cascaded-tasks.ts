import type { DbOrTx } from '../../db/client.js';
import { withDeleted } from '../../db/soft-delete.js';
import type { TaskKind } from '../../events/types.js';

/** A task a cascade took or brought back, as a `taskUpdates` message names it. */
export interface CascadedTask {
  id: string;
  courseId: string;
  kind: TaskKind;
}

/**
 * The tasks of one cascade of `userId`'s:
 * - `deletionId`: every task that deletion took (the deletion indexes);
 * - `courseId`: every live task of the course (what a course restore brought back, and what
 *   never left: a restore clears deletionId, so the two cannot be told apart);
 * - `assignmentId`: the live study sessions planned for the assignment.
 *
 * One statement: the three kinds are relation loads of the user row (the soft-delete extension
 * keeps deleted rows out, or in for a deletion).
 */
export async function cascadedTasks(
  db: DbOrTx,
  userId: string,
  of: { deletionId: string } | { courseId: string } | { assignmentId: string },
): Promise<CascadedTask[]> {
  const select = { id: true, courseId: true } as const;
  const sessionsOnly = 'assignmentId' in of;
  // Either filter fits every task table; a deletion's rows are deleted, so it must see them.
  const where: { deletionId: string } | { courseId: string } =
    'deletionId' in of ? withDeleted({ deletionId: of.deletionId }) : { courseId: 'courseId' in of ? of.courseId : '' };
  const tasks = sessionsOnly ? { select, take: 0 } : { select, where };
  const user = await db.user.findUnique({
    where: { id: userId },
    select: {
      assignments: tasks,
      lectures: tasks,
      studySessions: { select, where: 'assignmentId' in of ? { assignmentId: of.assignmentId } : where },
    },
  });
  if (!user) return [];
  return [
    ...user.assignments.map((t) => ({ ...t, kind: 'ASSIGNMENT' as const })),
    ...user.lectures.map((t) => ({ ...t, kind: 'LECTURE' as const })),
    ...user.studySessions.map((t) => ({ ...t, kind: 'STUDY_SESSION' as const })),
  ];
}

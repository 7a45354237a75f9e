import type { Lecture, Prisma } from '../../generated/prisma/client.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { restoreTimedTask } from '../timed-tasks/restore-timed-task.js';

export interface RestoreLectureInput {
  id: string;
}

/**
 * Brings back one of the viewer's deleted lectures and records `lecture.restored` (with the
 * deletionId it was deleted under). A live lecture comes back unchanged, with no event. While its
 * course is deleted: CONFLICT (restore the course first; restoreCourse brings back the lectures
 * its own deletion took).
 */
export function restoreLecture(
  ctx: DomainContext,
  input: RestoreLectureInput,
  query?: Selection<Prisma.LectureFindUniqueArgs>,
): Promise<Lecture> {
  return restoreTimedTask(ctx, { entity: 'Lecture', id: input.id }, query);
}

import type { Lecture, Prisma } from '../../generated/prisma/client.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { getTimedTask } from '../timed-tasks/get-timed-task.js';

export interface GetLectureInput {
  id: string;
}

/** One live lecture: the viewer's own, or anyone's for an admin; NOT_FOUND otherwise. */
export function getLecture(
  ctx: DomainContext,
  input: GetLectureInput,
  query?: Selection<Prisma.LectureFindUniqueArgs>,
): Promise<Lecture> {
  return getTimedTask(ctx, { entity: 'Lecture', id: input.id }, query);
}

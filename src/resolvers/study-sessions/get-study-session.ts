import type { Prisma, StudySession } from '../../generated/prisma/client.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { getTimedTask } from '../timed-tasks/get-timed-task.js';

export interface GetStudySessionInput {
  id: string;
}

/** One live study session: the viewer's own, or anyone's for an admin; NOT_FOUND otherwise. */
export function getStudySession(
  ctx: DomainContext,
  input: GetStudySessionInput,
  query?: Selection<Prisma.StudySessionFindUniqueArgs>,
): Promise<StudySession> {
  return getTimedTask(ctx, { entity: 'StudySession', id: input.id }, query);
}

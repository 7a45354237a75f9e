import type { StudySession } from '../../generated/prisma/client.js';
import type { DomainContext } from '../domain-context.js';
import { listTimedTasks, type ListTimedTasksInput } from '../timed-tasks/list-timed-tasks.js';
import type { TimedListQuery } from '../timed-tasks/timed-table.js';
import type { TimedTaskFilter } from '../timed-tasks/timed-tasks-where.js';
import { assignmentFilter } from './assignment-filter.js';

export interface ListStudySessionsInput extends TimedTaskFilter, Pick<ListTimedTasksInput<'StudySession'>, 'orderBy'> {
  /** Only sessions for this assignment, which must be one of the viewer's live assignments. */
  assignmentId?: string | null;
}

/**
 * A page of the viewer's own live study sessions (an admin's too), by startsAt then id. The
 * window is by planned start: from <= startsAt < to.
 */
export function listStudySessions(
  ctx: DomainContext,
  input: ListStudySessionsInput,
  query?: TimedListQuery<'StudySession'>,
): Promise<StudySession[]> {
  const also = [assignmentFilter(ctx, input.assignmentId)];
  return listTimedTasks(ctx, { entity: 'StudySession', filter: input, also, orderBy: input.orderBy }, query);
}

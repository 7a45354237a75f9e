import type { DomainContext } from '../domain-context.js';
import { countTimedTasks } from '../timed-tasks/count-timed-tasks.js';
import { assignmentFilter } from './assignment-filter.js';
import type { ListStudySessionsInput } from './list-study-sessions.js';

/** How many study sessions `listStudySessions` pages through. */
export function countStudySessions(ctx: DomainContext, input: ListStudySessionsInput): Promise<number> {
  const also = [assignmentFilter(ctx, input.assignmentId)];
  return countTimedTasks(ctx, { entity: 'StudySession', filter: input, also });
}

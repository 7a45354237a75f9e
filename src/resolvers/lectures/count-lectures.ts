import type { DomainContext } from '../domain-context.js';
import { countTimedTasks } from '../timed-tasks/count-timed-tasks.js';
import type { ListLecturesInput } from './list-lectures.js';

/** How many lectures `listLectures` pages through. */
export function countLectures(ctx: DomainContext, input: ListLecturesInput): Promise<number> {
  return countTimedTasks(ctx, { entity: 'Lecture', filter: input });
}

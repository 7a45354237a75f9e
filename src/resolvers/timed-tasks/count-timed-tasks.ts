import type { DomainContext } from '../domain-context.js';
import { timedTable } from './timed-table.js';
import { timedTasksWhere } from './timed-tasks-where.js';
import type { ListTimedTasksInput } from './list-timed-tasks.js';

/** How many lectures or study sessions `listTimedTasks` pages through. */
export async function countTimedTasks(
  ctx: DomainContext,
  input: ListTimedTasksInput<'Lecture' | 'StudySession'>,
): Promise<number> {
  const { entity, filter, also } = input;
  return timedTable(ctx.db, entity).count({ where: await timedTasksWhere(ctx, { entity, filter, also }) });
}

import type { Lecture } from '../../generated/prisma/client.js';
import type { DomainContext } from '../domain-context.js';
import { listTimedTasks, type ListTimedTasksInput } from '../timed-tasks/list-timed-tasks.js';
import type { TimedListQuery } from '../timed-tasks/timed-table.js';
import type { TimedTaskFilter } from '../timed-tasks/timed-tasks-where.js';

/** Course, time window and search (see `timedTasksWhere`), and the order. */
export type ListLecturesInput = TimedTaskFilter & Pick<ListTimedTasksInput<'Lecture'>, 'orderBy'>;

/**
 * A page of the viewer's own live lectures (an admin's too), by startsAt then id. The window is
 * by start: from <= startsAt < to, so a lecture still running at `from` is not in it.
 */
export function listLectures(
  ctx: DomainContext,
  input: ListLecturesInput,
  query?: TimedListQuery<'Lecture'>,
): Promise<Lecture[]> {
  return listTimedTasks(ctx, { entity: 'Lecture', filter: input, orderBy: input.orderBy }, query);
}

import { orderByColumns, type RootSqlForm } from '../../db/sql.js';
import type { DomainContext } from '../domain-context.js';
import { orderByOf, type ListOrder } from '../find-and-sort.js';
import {
  TIMED_ORDER,
  TIMED_ORDER_FIELDS,
  timedTable,
  type TimedEntity,
  type TimedListQuery,
  type TimedOrderField,
  type TimedRow,
} from './timed-table.js';
import { timedTasksWhere, type OwnedFilterRow, type TimedTaskFilter } from './timed-tasks-where.js';

export interface ListTimedTasksInput<E extends TimedEntity> {
  entity: E;
  filter: TimedTaskFilter;
  /** Rows besides the course the filter names (see `timedTasksWhere`). */
  also?: OwnedFilterRow[];
  /** The order (by start when left out); ties by id in the same direction. */
  orderBy?: ListOrder<TimedOrderField> | null;
}

/**
 * `lectures` and `studySessions` on the planned path (src/planner): the same order; a filter
 * (its course and rows must be found first, see timedTasksWhere; a search) runs on the generic
 * path; an `orderBy` literal is planned (orderByOf's rule).
 */
export const timedTasksSqlForm: RootSqlForm = {
  kind: 'ownConnection',
  orderBy: orderByColumns(TIMED_ORDER)!,
  filters: {},
  orders: TIMED_ORDER_FIELDS,
};

/**
 * A page of the viewer's lectures or study sessions in `filter`, by start, then id (see
 * `timedTasksWhere`). `query` carries the connection's paging and the relations to load.
 */
export async function listTimedTasks<E extends TimedEntity>(
  ctx: DomainContext,
  input: ListTimedTasksInput<E>,
  query?: TimedListQuery<E>,
): Promise<TimedRow<E>[]> {
  const { entity, filter, also } = input;
  const where = await timedTasksWhere(ctx, { entity, filter, also, cursor: query?.cursor ?? undefined });
  return timedTable(ctx.db, entity).findMany({ ...query, where, orderBy: orderByOf(input.orderBy, 'startsAt') });
}

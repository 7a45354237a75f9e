import { NotFoundError } from '../../errors.js';
import { accessWhere } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import { timedTable, type TimedEntity, type TimedRow, type TimedSelection } from './timed-table.js';

export interface GetTimedTaskInput<E extends TimedEntity> {
  entity: E;
  id: string;
}

/**
 * One live lecture or study session the viewer may read (their own, or anyone's for an admin);
 * NOT_FOUND otherwise. `query`'s relations load in the same statement.
 */
export async function getTimedTask<E extends TimedEntity>(
  ctx: DomainContext,
  input: GetTimedTaskInput<E>,
  query?: TimedSelection<E>,
): Promise<TimedRow<E>> {
  const where = accessWhere(ctx, input.entity, input.id, 'read');
  const row = await timedTable(ctx.db, input.entity).findFirst({ ...query, where });
  if (!row) throw new NotFoundError(input.entity);
  return row;
}

import type { Tx } from '../../db/client.js';
import { withDeleted } from '../../db/soft-delete.js';
import { lockOwned, type LockOptions } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import { timedTable, type TimedEntity, type TimedRow } from './timed-table.js';

export interface LockTimedTaskInput<E extends TimedEntity> {
  entity: E;
  id: string;
  /** Also find a deleted one (to restore it). */
  includeDeleted?: boolean;
}

/**
 * The viewer's own lecture or study session, locked FOR UPDATE until `tx` ends, as stored (read
 * without any selection: what checks and events use). NOT_FOUND when missing, someone else's, or
 * deleted unless `includeDeleted`.
 */
export async function lockTimedTask<E extends TimedEntity>(
  tx: Tx,
  ctx: DomainContext,
  input: LockTimedTaskInput<E>,
): Promise<TimedRow<E>> {
  const { entity, id, includeDeleted = false } = input;
  const options: LockOptions = { mode: 'UPDATE', includeDeleted };
  await lockOwned(tx, ctx, entity, id, options);
  return timedTable(tx, entity).findFirstOrThrow({ where: includeDeleted ? withDeleted({ id }) : { id } });
}

import type { Tx } from '../../db/client.js';
import { withDeleted } from '../../db/soft-delete.js';
import type { Assignment } from '../../generated/prisma/client.js';
import { lockOwned, type LockOptions } from '../access.js';
import type { DomainContext } from '../domain-context.js';

/**
 * The viewer's assignment `id`, locked for a change until `tx` ends (see `lockOwned`); with
 * `includeDeleted` a deleted one too (to restore it). Read without a selection: the stored row,
 * for checks and events.
 */
export async function lockAssignment(
  tx: Tx,
  ctx: DomainContext,
  id: string,
  options: Pick<LockOptions, 'includeDeleted'> = {},
): Promise<Assignment> {
  await lockOwned(tx, ctx, 'Assignment', id, options);
  return tx.assignment.findFirstOrThrow({ where: options.includeDeleted ? withDeleted({ id }) : { id } });
}

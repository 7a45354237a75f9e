import type { Tx } from '../../db/client.js';
import { ConflictError } from '../../errors.js';
import { recordTaskEvent } from '../../events/outbox.js';
import { isLiveOwned } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import { inTransaction } from '../shared.js';
import { lockTimedTask } from './lock-timed-task.js';
import {
  TIMED_LABEL,
  timedEvent,
  timedTable,
  type TimedEntity,
  type TimedRow,
  type TimedSelection,
} from './timed-table.js';

export interface RestoreTimedTaskInput<E extends TimedEntity> {
  entity: E;
  id: string;
  /** The kind's own repair of a row just brought back (in the same transaction). */
  afterRestore?: (tx: Tx, stored: TimedRow<E>) => Promise<void>;
}

/**
 * Brings back one of the viewer's deleted lectures or study sessions and records
 * `<kind>.restored` with the deletionId it was deleted under. A live one comes back unchanged,
 * with no event. While its course is deleted: CONFLICT (restore the course first; restoreCourse
 * brings back what its own deletion took).
 */
export async function restoreTimedTask<E extends TimedEntity>(
  ctx: DomainContext,
  input: RestoreTimedTaskInput<E>,
  query?: TimedSelection<E>,
): Promise<TimedRow<E>> {
  const { entity, afterRestore } = input;
  return inTransaction(ctx, async (tx) => {
    const stored = await lockTimedTask(tx, ctx, { entity, id: input.id, includeDeleted: true });
    const table = timedTable(tx, entity);
    if (stored.deletedAt) {
      if (!(await isLiveOwned(tx, ctx, 'Course', stored.courseId))) {
        throw new ConflictError(`The course of this ${TIMED_LABEL[entity]} is deleted: restore the course first.`, {
          field: 'id',
        });
      }
      await table.restore({ where: { id: stored.id } });
      if (afterRestore) await afterRestore(tx, stored);
      await recordTaskEvent(tx, timedEvent(entity, 'restored'), stored, stored.deletionId ?? undefined);
    }
    return table.findUniqueOrThrow({ ...query, where: { id: stored.id } });
  });
}

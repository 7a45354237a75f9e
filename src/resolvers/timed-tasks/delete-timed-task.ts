import { recordTaskEvent } from '../../events/outbox.js';
import type { DomainContext } from '../domain-context.js';
import type { Deletion } from '../deletion.js';
import { inTransaction } from '../shared.js';
import { lockTimedTask } from './lock-timed-task.js';
import { timedEvent, timedTable, type TimedEntity } from './timed-table.js';

export interface DeleteTimedTaskInput {
  entity: TimedEntity;
  id: string;
}

/**
 * Soft-deletes one of the viewer's lectures or study sessions under a deletionId of its own and
 * records `<kind>.deleted` with that deletionId; `restoreTimedTask` brings it back.
 */
export async function deleteTimedTask(ctx: DomainContext, input: DeleteTimedTaskInput): Promise<Deletion> {
  const { entity } = input;
  return inTransaction(ctx, async (tx) => {
    const stored = await lockTimedTask(tx, ctx, { entity, id: input.id });
    const { deletionId } = await timedTable(tx, entity).delete({ where: { id: stored.id }, now: ctx.now() });
    await recordTaskEvent(tx, timedEvent(entity, 'deleted'), stored, deletionId);
    return { deletedId: stored.id, deletionId };
  });
}

import { ValidationError } from '../../errors.js';
import { recordTaskEvent } from '../../events/outbox.js';
import type { Assignment, Prisma } from '../../generated/prisma/client.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { inTransaction } from '../shared.js';
import { checkAssignmentFields, type AssignmentFields } from './assignment-fields.js';
import { lockAssignment } from './lock-assignment.js';

export interface UpdateAssignmentInput extends AssignmentFields {
  /** The assignment to change. */
  id: string;
}

/** Changes the viewer's own assignment; fields left out stay as they are. Records `assignment.updated`. */
export async function updateAssignment(
  ctx: DomainContext,
  input: UpdateAssignmentInput,
  query?: Selection<Prisma.AssignmentFindUniqueArgs>,
): Promise<Assignment> {
  const { id, ...fields } = input;
  const data = checkAssignmentFields(fields);
  if (Object.keys(data).length === 0) throw new ValidationError('Give at least one field to change.');
  return inTransaction(ctx, async (tx) => {
    const assignment = await lockAssignment(tx, ctx, id);
    const updated = await tx.assignment.update({ ...query, where: { id }, data });
    await recordTaskEvent(tx, 'assignment.updated', assignment);
    return updated;
  });
}

import type { DomainContext } from '../context.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { recordTaskEvent } from '../../events/outbox.js';
import type { Assignment } from '../../generated/prisma/client.js';
import { findOwnedAssignment } from '../ownership.js';
import { inTransaction } from '../shared.js';
import { checkAssignmentFields, type AssignmentFields } from './assignment-fields.js';

/** Changes the viewer's own assignment; fields left out stay as they are. Records `assignment.updated`. */
export async function updateAssignment(
  ctx: DomainContext,
  id: string,
  input: AssignmentFields,
  query: object = {},
): Promise<Assignment> {
  const data = checkAssignmentFields(input);
  if (Object.keys(data).length === 0) throw new ValidationError('Give at least one field to change.');
  return inTransaction(ctx, async (tx) => {
    const assignment = await findOwnedAssignment(ctx, tx, id, 'own');
    const { count } = await tx.assignment.updateMany({ where: { id, deletedAt: null }, data });
    if (count === 0) throw new NotFoundError('Assignment'); // deleted since it was read
    await recordTaskEvent(tx, 'assignment.updated', assignment);
    return tx.assignment.findUniqueOrThrow({ ...query, where: { id } });
  });
}

import type { DomainContext } from '../context.js';
import { ValidationError } from '../../errors.js';
import { recordEvent } from '../../events/outbox.js';
import type { User } from '../../generated/prisma/client.js';
import { inTransaction, requireViewer, requiredText } from '../shared.js';
import { NAME_MAX, checkTimezone } from './normalize.js';

export interface UpdateProfileInput {
  firstName?: string | null;
  lastName?: string | null;
  timezone?: string | null;
}

/**
 * Changes the viewer's own profile; fields left out stay as they are. `query` (the GraphQL
 * selection, e.g. counts) is merged into the update, so the answer is the committed row.
 */
export async function updateProfile(ctx: DomainContext, input: UpdateProfileInput, query: object = {}): Promise<User> {
  const viewer = requireViewer(ctx);
  const data: { firstName?: string; lastName?: string; timezone?: string } = {};
  for (const field of ['firstName', 'lastName', 'timezone'] as const) {
    if (input[field] === null) throw new ValidationError(`${field} cannot be null; leave it out to keep it.`, field);
  }
  if (input.firstName != null) data.firstName = requiredText(input.firstName, 'firstName', NAME_MAX);
  if (input.lastName != null) data.lastName = requiredText(input.lastName, 'lastName', NAME_MAX);
  if (input.timezone != null) data.timezone = checkTimezone(input.timezone);
  if (Object.keys(data).length === 0) throw new ValidationError('Give at least one field to change.');

  return inTransaction(ctx, async (tx) => {
    const user = await tx.user.update({ ...query, where: { id: viewer.id, deletedAt: null }, data });
    await recordEvent(tx, {
      type: 'user.updated',
      payload: { userId: user.id, changed: Object.keys(data) },
      userId: user.id,
      aggregateId: user.id,
    });
    return user;
  });
}

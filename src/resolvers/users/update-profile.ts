import { ValidationError } from '../../errors.js';
import { recordEvent } from '../../events/outbox.js';
import type { Prisma, User } from '../../generated/prisma/client.js';
import { requireViewer } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { inTransaction, requiredText } from '../shared.js';
import { NAME_MAX, checkTimezone } from './normalize.js';

export interface UpdateProfileInput {
  firstName?: string | null;
  lastName?: string | null;
  timezone?: string | null;
}

/** Changes the viewer's own profile; fields left out stay as they are. */
export async function updateProfile(
  ctx: DomainContext,
  input: UpdateProfileInput,
  query?: Selection<Prisma.UserFindUniqueArgs>,
): Promise<User> {
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
      payload: { userId: viewer.id, changed: Object.keys(data) },
      userId: viewer.id,
      aggregateId: viewer.id,
    });
    return user;
  });
}

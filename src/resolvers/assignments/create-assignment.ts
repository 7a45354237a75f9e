import { ValidationError } from '../../errors.js';
import { recordTaskEvent } from '../../events/outbox.js';
import type { Assignment, Prisma } from '../../generated/prisma/client.js';
import { lockOwned, requireViewer } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { inTransaction } from '../shared.js';
import { checkAssignmentFields, type AssignmentFields } from './assignment-fields.js';

export interface CreateAssignmentInput extends AssignmentFields {
  courseId: string;
  title: string;
  dueAt: Date;
}

/**
 * Adds an assignment to one of the viewer's live courses (archived ones included). A course that
 * is missing, deleted or someone else's is NOT_FOUND. Records `assignment.created`.
 */
export async function createAssignment(
  ctx: DomainContext,
  input: CreateAssignmentInput,
  query?: Selection<Prisma.AssignmentFindUniqueArgs>,
): Promise<Assignment> {
  const viewer = requireViewer(ctx);
  const { title, dueAt, ...rest } = checkAssignmentFields(input);
  if (title === undefined || dueAt === undefined) throw new ValidationError('title and dueAt are required.');
  const { courseId } = input;
  return inTransaction(ctx, async (tx) => {
    // SHARE: a concurrent deleteCourse waits, and its cascade then takes this assignment too.
    await lockOwned(tx, ctx, 'Course', courseId, { mode: 'SHARE' });
    const assignment = await tx.assignment.create({
      ...query,
      data: { ...rest, title, dueAt, userId: viewer.id, courseId },
    });
    await recordTaskEvent(tx, 'assignment.created', { id: assignment.id, userId: viewer.id, courseId });
    return assignment;
  });
}

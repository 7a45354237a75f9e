import type { DomainContext } from '../context.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { recordTaskEvent } from '../../events/outbox.js';
import type { Assignment } from '../../generated/prisma/client.js';
import { lockLiveCourse } from '../ownership.js';
import { inTransaction, requireViewer } from '../shared.js';
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
  query: object = {},
): Promise<Assignment> {
  const viewer = requireViewer(ctx);
  const { title, dueAt, ...rest } = checkAssignmentFields(input);
  if (title === undefined || dueAt === undefined) throw new ValidationError('title and dueAt are required.');
  return inTransaction(ctx, async (tx) => {
    if (!(await lockLiveCourse(tx, viewer.id, input.courseId))) throw new NotFoundError('Course');
    const assignment = await tx.assignment.create({
      ...query,
      data: { ...rest, title, dueAt, userId: viewer.id, courseId: input.courseId },
    });
    await recordTaskEvent(tx, 'assignment.created', { id: assignment.id, userId: viewer.id, courseId: input.courseId });
    return assignment;
  });
}

import type { Tx } from '../../db/client.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { lockOwned } from '../access.js';
import type { DomainContext } from '../domain-context.js';

export interface LinkAssignmentInput {
  assignmentId: string;
  /** The course the session is (or is moving) in. */
  courseId: string;
}

/**
 * Checks that a study session may point at `assignmentId`: one of the viewer's live assignments
 * in course `courseId` (held live until `tx` ends). Anything else is BAD_USER_INPUT on
 * assignmentId, with one message whether the assignment is missing, deleted, someone else's or in
 * another course, so ids cannot be probed.
 */
export async function linkAssignment(tx: Tx, ctx: DomainContext, input: LinkAssignmentInput): Promise<string> {
  const wrong = new ValidationError('assignmentId must be one of your assignments in the same course.', 'assignmentId');
  try {
    const id = await lockOwned(tx, ctx, 'Assignment', input.assignmentId, { mode: 'SHARE' });
    const assignment = await tx.assignment.findUniqueOrThrow({ where: { id }, select: { courseId: true } });
    if (assignment.courseId !== input.courseId) throw wrong;
    return id;
  } catch (err) {
    throw err instanceof NotFoundError ? wrong : err;
  }
}

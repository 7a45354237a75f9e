import type { Tx } from '../../db/client.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { loadOwnedAssignment } from '../ownership.js';

/**
 * Checks that a study session may point at `assignmentId`: one of the viewer's live assignments
 * in course `courseId` (held live until `tx` ends). Anything else is BAD_USER_INPUT on
 * assignmentId, with one message whether the assignment is missing, deleted, someone else's or in
 * another course, so ids cannot be probed.
 */
export async function linkAssignment(
  tx: Tx,
  viewerId: string,
  assignmentId: string,
  courseId: string,
): Promise<string> {
  const wrong = new ValidationError('assignmentId must be one of your assignments in the same course.', 'assignmentId');
  try {
    const assignment = await loadOwnedAssignment(tx, viewerId, assignmentId);
    if (assignment.courseId !== courseId) throw wrong;
    return assignment.id;
  } catch (err) {
    throw err instanceof NotFoundError ? wrong : err;
  }
}

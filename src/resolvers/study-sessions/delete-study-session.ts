import type { DomainContext } from '../domain-context.js';
import type { Deletion } from '../deletion.js';
import { deleteTimedTask } from '../timed-tasks/delete-timed-task.js';

export interface DeleteStudySessionInput {
  id: string;
}

/**
 * Soft-deletes one of the viewer's study sessions under a deletionId of its own and records
 * `studySession.deleted` (with that deletionId). restoreStudySession brings it back.
 */
export function deleteStudySession(ctx: DomainContext, input: DeleteStudySessionInput): Promise<Deletion> {
  return deleteTimedTask(ctx, { entity: 'StudySession', id: input.id });
}

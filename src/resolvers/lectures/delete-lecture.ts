import type { DomainContext } from '../domain-context.js';
import type { Deletion } from '../deletion.js';
import { deleteTimedTask } from '../timed-tasks/delete-timed-task.js';

export interface DeleteLectureInput {
  id: string;
}

/**
 * Soft-deletes one of the viewer's lectures under a deletionId of its own and records
 * `lecture.deleted` (with that deletionId). restoreLecture brings it back.
 */
export function deleteLecture(ctx: DomainContext, input: DeleteLectureInput): Promise<Deletion> {
  return deleteTimedTask(ctx, { entity: 'Lecture', id: input.id });
}

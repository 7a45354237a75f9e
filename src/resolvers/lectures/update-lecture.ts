import type { Lecture, Prisma } from '../../generated/prisma/client.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { optionalText } from '../shared.js';
import { requireChange } from '../timed-tasks/rules.js';
import { updateTimedTask } from '../timed-tasks/update-timed-task.js';
import { LOCATION_MAX } from './lecture-fields.js';

export interface UpdateLectureInput {
  id: string;
  /** Moves the lecture to another of the viewer's live courses. */
  courseId?: string | null;
  title?: string | null;
  startsAt?: Date | null;
  endsAt?: Date | null;
  /** null or empty clears it. */
  location?: string | null;
}

/**
 * Changes one of the viewer's lectures; fields left out keep their value. A new start or end is
 * checked against the stored other end. An occurrence of a series is detached from it: edits of
 * the whole series leave it as it is now. Records `lecture.updated`.
 */
export function updateLecture(
  ctx: DomainContext,
  input: UpdateLectureInput,
  query?: Selection<Prisma.LectureFindUniqueArgs>,
): Promise<Lecture> {
  requireChange(input);
  const { location, ...shared } = input;
  // An occurrence of a series edited on its own ("this occurrence") leaves the series' edits.
  const changes = {
    detached: true,
    ...(location === undefined ? {} : { location: optionalText(location, 'location', LOCATION_MAX) }),
  };
  return updateTimedTask(ctx, { ...shared, entity: 'Lecture', changes }, query);
}

import type { Lecture, Prisma } from '../../generated/prisma/client.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { optionalText } from '../shared.js';
import { createTimedTask } from '../timed-tasks/create-timed-task.js';
import { LOCATION_MAX } from './lecture-fields.js';

export interface CreateLectureInput {
  /** One of the viewer's live courses (a raw uuid). */
  courseId: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  location?: string | null;
}

/** Adds a lecture to one of the viewer's courses and records `lecture.created`. */
export function createLecture(
  ctx: DomainContext,
  input: CreateLectureInput,
  query?: Selection<Prisma.LectureFindUniqueArgs>,
): Promise<Lecture> {
  const location = optionalText(input.location, 'location', LOCATION_MAX) ?? null;
  return createTimedTask(ctx, { ...input, entity: 'Lecture', data: { location } }, query);
}

import type { DomainContext } from '../context.js';
import { recordTaskEvent } from '../../events/outbox.js';
import type { Lecture } from '../../generated/prisma/client.js';
import { loadOwnedCourse } from '../ownership.js';
import { inTransaction, optionalText, requireViewer, requiredText } from '../shared.js';
import { LOCATION_MAX, TITLE_MAX, checkSpan } from './schedule.js';

export interface CreateLectureInput {
  /** One of the viewer's live courses (a raw uuid). */
  courseId: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  location?: string | null;
}

/**
 * Adds a lecture to one of the viewer's courses and records `lecture.created`. `query` is a
 * Prisma include/select the caller wants merged into the returned row.
 */
export async function createLecture(
  ctx: DomainContext,
  input: CreateLectureInput,
  query: object = {},
): Promise<Lecture> {
  const viewer = requireViewer(ctx);
  const title = requiredText(input.title, 'title', TITLE_MAX);
  const location = optionalText(input.location, 'location', LOCATION_MAX) ?? null;
  const { startsAt, endsAt } = checkSpan({ startsAt: input.startsAt, endsAt: input.endsAt });

  return inTransaction(ctx, async (tx) => {
    const course = await loadOwnedCourse(tx, viewer.id, input.courseId);
    const lecture = await tx.lecture.create({
      ...query,
      data: { userId: viewer.id, courseId: course.id, title, startsAt, endsAt, location },
    });
    await recordTaskEvent(tx, 'lecture.created', { id: lecture.id, userId: viewer.id, courseId: course.id });
    return lecture;
  });
}

import type { DomainContext } from '../context.js';
import { NotFoundError } from '../../errors.js';
import type { Lecture } from '../../generated/prisma/client.js';
import { checkId } from '../ownership.js';
import { requireViewer } from '../shared.js';

export interface GetLectureInput {
  id: string;
}

/**
 * One live lecture: the viewer's own, or anyone's for an admin; NOT_FOUND otherwise. `query` is a
 * Prisma include/select the caller wants merged in (relations load in the same query).
 */
export async function getLecture(ctx: DomainContext, input: GetLectureInput, query: object = {}): Promise<Lecture> {
  const viewer = requireViewer(ctx);
  const id = checkId(input.id, 'Lecture');
  const lecture = await ctx.db.lecture.findFirst({
    ...query,
    where: viewer.role === 'ADMIN' ? { id } : { id, userId: viewer.id },
  });
  if (!lecture) throw new NotFoundError('Lecture');
  return lecture;
}

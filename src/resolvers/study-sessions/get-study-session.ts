import type { DomainContext } from '../context.js';
import { NotFoundError } from '../../errors.js';
import type { StudySession } from '../../generated/prisma/client.js';
import { checkId } from '../ownership.js';
import { requireViewer } from '../shared.js';

export interface GetStudySessionInput {
  id: string;
}

/**
 * One live study session: the viewer's own, or anyone's for an admin; NOT_FOUND otherwise.
 * `query` is a Prisma include/select the caller wants merged in (relations load in the same query).
 */
export async function getStudySession(
  ctx: DomainContext,
  input: GetStudySessionInput,
  query: object = {},
): Promise<StudySession> {
  const viewer = requireViewer(ctx);
  const id = checkId(input.id, 'StudySession');
  const session = await ctx.db.studySession.findFirst({
    ...query,
    where: viewer.role === 'ADMIN' ? { id } : { id, userId: viewer.id },
  });
  if (!session) throw new NotFoundError('StudySession');
  return session;
}

import type { DomainContext } from '../context.js';
import { ValidationError } from '../../errors.js';
import { recordTaskEvent } from '../../events/outbox.js';
import type { StudySession } from '../../generated/prisma/client.js';
import { loadOwnedStudySession } from '../ownership.js';
import { inTransaction, requireViewer } from '../shared.js';

export const ACTUAL_MINUTES_MAX = 1440;

export interface LogStudySessionInput {
  id: string;
  /** Minutes actually studied: a whole number from 0 to 1440 (one day). */
  actualMinutes: number;
}

/**
 * Records how long the viewer actually studied in one of their sessions (logging again replaces
 * the value) and records `studySession.updated`.
 */
export async function logStudySession(
  ctx: DomainContext,
  input: LogStudySessionInput,
  query: object = {},
): Promise<StudySession> {
  const viewer = requireViewer(ctx);
  const { actualMinutes } = input;
  if (!Number.isInteger(actualMinutes) || actualMinutes < 0 || actualMinutes > ACTUAL_MINUTES_MAX) {
    throw new ValidationError(`actualMinutes must be a whole number from 0 to ${ACTUAL_MINUTES_MAX}.`, 'actualMinutes');
  }
  return inTransaction(ctx, async (tx) => {
    const stored = await loadOwnedStudySession(tx, viewer.id, input.id);
    const session = await tx.studySession.update({ ...query, where: { id: stored.id }, data: { actualMinutes } });
    await recordTaskEvent(tx, 'studySession.updated', {
      id: session.id,
      userId: viewer.id,
      courseId: session.courseId,
    });
    return session;
  });
}

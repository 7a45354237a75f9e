import { ValidationError } from '../../errors.js';
import { recordTaskEvent } from '../../events/outbox.js';
import type { Prisma, StudySession } from '../../generated/prisma/client.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { inTransaction } from '../shared.js';
import { lockTimedTask } from '../timed-tasks/lock-timed-task.js';
import { ACTUAL_MINUTES_MAX } from './study-session-fields.js';

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
  query?: Selection<Prisma.StudySessionFindUniqueArgs>,
): Promise<StudySession> {
  const { actualMinutes } = input;
  if (!Number.isInteger(actualMinutes) || actualMinutes < 0 || actualMinutes > ACTUAL_MINUTES_MAX) {
    throw new ValidationError(`actualMinutes must be a whole number from 0 to ${ACTUAL_MINUTES_MAX}.`, 'actualMinutes');
  }
  return inTransaction(ctx, async (tx) => {
    const stored = await lockTimedTask(tx, ctx, { entity: 'StudySession', id: input.id });
    const session = await tx.studySession.update({ ...query, where: { id: stored.id }, data: { actualMinutes } });
    await recordTaskEvent(tx, 'studySession.updated', stored);
    return session;
  });
}

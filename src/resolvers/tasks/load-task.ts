import type { TaskKind } from '../../events/types.js';
import type { Assignment, Lecture, StudySession } from '../../generated/prisma/client.js';
import { isUuid, mayAccess } from '../access.js';
import type { DomainContext } from '../domain-context.js';

export interface LoadTaskInput {
  kind: TaskKind;
  id: string;
}

/**
 * A task by kind and id, if it is live and the viewer may read it; null otherwise (deleted, or
 * not theirs). findUnique calls made in the same tick are batched into one query by Prisma.
 */
export async function loadTask(
  ctx: DomainContext,
  input: LoadTaskInput,
): Promise<Assignment | Lecture | StudySession | null> {
  const { kind, id } = input;
  if (!ctx.viewer || !isUuid(id)) return null;
  const where = { id };
  const row =
    kind === 'ASSIGNMENT'
      ? await ctx.db.assignment.findUnique({ where })
      : kind === 'LECTURE'
        ? await ctx.db.lecture.findUnique({ where })
        : await ctx.db.studySession.findUnique({ where });
  return row && mayAccess(ctx.viewer, row.userId) ? row : null;
}

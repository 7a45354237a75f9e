import type { DomainContext } from '../context.js';
import type { TaskKind } from '../../events/types.js';
import type { Assignment, Lecture, StudySession } from '../../generated/prisma/client.js';

/**
 * A task by kind and id, if it is live and the viewer may read it; null otherwise (deleted, or
 * not theirs). findUnique calls made in the same tick are batched into one query by Prisma.
 */
export async function loadTask(
  ctx: DomainContext,
  kind: TaskKind,
  id: string,
): Promise<Assignment | Lecture | StudySession | null> {
  const viewer = ctx.viewer;
  if (!viewer) return null;
  const where = { id };
  const row =
    kind === 'ASSIGNMENT'
      ? await ctx.db.assignment.findUnique({ where })
      : kind === 'LECTURE'
        ? await ctx.db.lecture.findUnique({ where })
        : await ctx.db.studySession.findUnique({ where });
  if (!row || (row.userId !== viewer.id && viewer.role !== 'ADMIN')) return null;
  return row;
}

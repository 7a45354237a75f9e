import { recordTaskEvent, taskEventInsertSql } from '../../events/outbox.js';
import { Prisma, type Assignment } from '../../generated/prisma/client.js';
import { isUuid, requireViewer } from '../access.js';
import { NotFoundError } from '../../errors.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { inTransaction } from '../shared.js';
import { lockAssignment } from './lock-assignment.js';

/**
 * Marks the viewer's assignment done (at `ctx.now()`) or not done, recording
 * `assignment.completed` / `assignment.reopened` only when the state actually changed; an
 * assignment already in that state is returned unchanged.
 *
 * The change is one statement: an UPDATE whose WHERE holds the ownership, liveness and "not yet in
 * that state" conditions (its row lock makes a concurrent change wait, after which PostgreSQL
 * checks the conditions again on the row as it is now), recording the event of the row it changed
 * and answering with it. When it changed nothing (already in that state, not the viewer's live
 * assignment, or a row whose state changed after the statement's snapshot), the locked path
 * decides: NOT_FOUND, or the row unchanged, or the change.
 */
export async function setCompletion(
  ctx: DomainContext,
  input: { id: string; completed: boolean },
  query?: Selection<Prisma.AssignmentFindUniqueArgs>,
): Promise<Assignment> {
  const viewer = requireViewer(ctx);
  const { id, completed } = input;
  if (!isUuid(id)) throw new NotFoundError('Assignment');
  const type = completed ? 'assignment.completed' : 'assignment.reopened';
  const rows = await ctx.db.$queryRaw<Assignment[]>`
    WITH changed AS (
      UPDATE "Assignment"
      SET "completedAt" = ${completed ? ctx.now() : null}::timestamp, "updatedAt" = ${new Date()}::timestamp
      WHERE "id" = ${id}::uuid AND "userId" = ${viewer.id}::uuid AND "deletedAt" IS NULL
        AND "completedAt" IS ${completed ? Prisma.sql`NULL` : Prisma.sql`NOT NULL`}
      RETURNING *
    ),
    event AS (${taskEventInsertSql(type, Prisma.sql`changed t`)})
    SELECT * FROM changed`;
  const changed = rows[0];
  if (changed) {
    ctx.events.notify();
    return changed;
  }
  return inTransaction(ctx, async (tx) => {
    const assignment = await lockAssignment(tx, ctx, id);
    if ((assignment.completedAt !== null) === completed) {
      return tx.assignment.findUniqueOrThrow({ ...query, where: { id } });
    }
    const updated = await tx.assignment.update({
      ...query,
      where: { id },
      data: { completedAt: completed ? ctx.now() : null },
    });
    await recordTaskEvent(tx, type, assignment);
    return updated;
  });
}

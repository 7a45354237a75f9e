import { randomUUID } from 'node:crypto';
import { NotFoundError } from '../../errors.js';
import { eventInsertSql } from '../../events/outbox.js';
import { Prisma } from '../../generated/prisma/client.js';
import { isUuid, requireViewer } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import type { Deletion } from '../deletion.js';
import { inTransaction } from '../shared.js';

/**
 * Soft-deletes the viewer's course and its live assignments, lectures (and lecture series) and study sessions, in one
 * transaction under one deletionId, so restoreCourse brings back exactly these rows. Children
 * deleted earlier on their own keep their own deletionId. Records `course.deleted` with counts.
 *
 * Two statements. (1) The course, its ownership and liveness in the WHERE: no row changed is
 * NOT_FOUND (missing, deleted, or someone else's). Its row lock makes a concurrent delete wait,
 * then find nothing, and waits for a createAssignment (or any task create) holding the course FOR
 * SHARE. (2) Then the children and the event, in one statement whose snapshot is taken after (1)
 * got the lock, so it sees every task such a create committed; a create that comes later waits
 * for this transaction and then finds the course deleted. They cannot be one statement: a single
 * statement's snapshot is taken before it waits for the lock, and would miss those tasks.
 */
export async function deleteCourse(ctx: DomainContext, input: { id: string }): Promise<Deletion> {
  const viewer = requireViewer(ctx);
  const { id } = input;
  if (!isUuid(id)) throw new NotFoundError('Course');
  const now = ctx.now();
  const deletionId = randomUUID();
  await inTransaction(ctx, async (tx) => {
    const course = await tx.course.delete({ where: { id, userId: viewer.id }, deletionId, now });
    if (course.count === 0) throw new NotFoundError('Course');
    // As the soft-delete extension's deleteMany writes them (src/db/soft-delete.ts).
    const at = new Date();
    const take = (table: string) => Prisma.sql`
      UPDATE ${Prisma.raw(`"${table}"`)}
      SET "deletedAt" = ${now}::timestamp, "deletionId" = ${deletionId}::uuid, "updatedAt" = ${at}::timestamp
      WHERE "courseId" = ${id}::uuid AND "deletedAt" IS NULL
      RETURNING 1`;
    const count = (cte: string) => Prisma.sql`(SELECT count(*) FROM ${Prisma.raw(cte)})::int`;
    await tx.$executeRaw`
      WITH sessions AS (${take('StudySession')}), assignments AS (${take('Assignment')}), lectures AS (${take('Lecture')}),
        series AS (${take('LectureSeries')})
      ${eventInsertSql(
        'course.deleted',
        {
          payload: {
            userId: Prisma.sql`${viewer.id}::text`,
            courseId: Prisma.sql`${id}::text`,
            deletionId: Prisma.sql`${deletionId}::text`,
            assignments: count('assignments'),
            lectures: count('lectures'),
            studySessions: count('sessions'),
          },
          userId: Prisma.sql`${viewer.id}::uuid`,
          aggregateId: Prisma.sql`${id}::uuid`,
        },
        Prisma.sql`(SELECT 1) one`,
      )}`;
  });
  return { deletedId: id, deletionId };
}

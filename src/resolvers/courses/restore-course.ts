import { NotFoundError } from '../../errors.js';
import { eventInsertSql } from '../../events/outbox.js';
import { Prisma, type Course } from '../../generated/prisma/client.js';
import { isUuid, requireViewer } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { inTransaction } from '../shared.js';

/**
 * Brings back the viewer's deleted course and exactly the rows its deletion took (same
 * deletionId); children deleted before it on their own stay deleted. A course that is not
 * deleted is returned unchanged, with no event. Records `course.restored` with counts.
 *
 * Two statements. (1) Locks the viewer's course, deleted or not, and reads it (NOT_FOUND when
 * there is none): a concurrent restore or delete waits, or is waited for, and this sees its
 * outcome. (2) For a deleted course, the course, its children of that deletion and the event in
 * one statement, answering with the restored row. (2) is apart from (1) because its snapshot must
 * be taken after the lock: had the course's deletion committed while (1) waited, a single
 * statement would see the course deleted but its children still live, and restore them not.
 */
export async function restoreCourse(
  ctx: DomainContext,
  input: { id: string },
  // The locked or restored row answers; Pothos loads any relation the selection names from it.
  _query?: Selection<Prisma.CourseFindUniqueArgs>,
): Promise<Course> {
  const viewer = requireViewer(ctx);
  const { id } = input;
  if (!isUuid(id)) throw new NotFoundError('Course');
  return inTransaction(ctx, async (tx) => {
    const [course] = await tx.$queryRaw<Course[]>`
      SELECT * FROM "Course" WHERE "id" = ${id}::uuid AND "userId" = ${viewer.id}::uuid FOR UPDATE`;
    if (!course) throw new NotFoundError('Course');
    if (!course.deletedAt) return course;
    // The soft-delete extension always sets a deletionId; a row deleted by hand comes back alone.
    const { deletionId } = course;
    const at = new Date();
    // As the soft-delete extension's restore writes them (src/db/soft-delete.ts).
    const bringBack = (table: string, where: Prisma.Sql) => Prisma.sql`
      UPDATE ${Prisma.raw(`"${table}"`)}
      SET "deletedAt" = NULL, "deletionId" = NULL, "updatedAt" = ${at}::timestamp
      WHERE ${where} AND "deletedAt" IS NOT NULL
      RETURNING *`;
    const children = (table: string) =>
      bringBack(table, Prisma.sql`"courseId" = ${id}::uuid AND "deletionId" = ${deletionId}::uuid`);
    const count = (cte: string) => Prisma.sql`(SELECT count(*) FROM ${Prisma.raw(cte)})::int`;
    const [restored] = await tx.$queryRaw<Course[]>`
      WITH course AS (
        ${bringBack('Course', deletionId ? Prisma.sql`"id" = ${id}::uuid AND "deletionId" = ${deletionId}::uuid` : Prisma.sql`"id" = ${id}::uuid`)}
      ),
      assignments AS (${children('Assignment')}),
      lectures AS (${children('Lecture')}),
      series AS (${children('LectureSeries')}),
      sessions AS (${children('StudySession')}),
      event AS (${eventInsertSql(
        'course.restored',
        {
          payload: {
            userId: Prisma.sql`t."userId"`,
            courseId: Prisma.sql`t."id"`,
            deletionId: Prisma.sql`${deletionId ?? ''}::text`,
            assignments: count('assignments'),
            lectures: count('lectures'),
            studySessions: count('sessions'),
          },
          userId: Prisma.sql`t."userId"`,
          aggregateId: Prisma.sql`t."id"`,
        },
        Prisma.sql`course t`,
      )})
      SELECT * FROM course`;
    // Locked by (1): the row is as read there, so (2) restored it.
    if (!restored) throw new Error(`restoreCourse: course ${id} was locked deleted but not restored`);
    return restored;
  });
}

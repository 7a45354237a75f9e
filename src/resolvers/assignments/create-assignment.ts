import { uuidv7 } from '../../db/ids.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { taskEventInsertSql } from '../../events/outbox.js';
import { Prisma, type Assignment } from '../../generated/prisma/client.js';
import { isUuid, requireViewer } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { checkAssignmentFields, type AssignmentFields } from './assignment-fields.js';

export interface CreateAssignmentInput extends AssignmentFields {
  courseId: string;
  title: string;
  dueAt: Date;
}

/**
 * Adds an assignment to one of the viewer's live courses (archived ones included). A course that
 * is missing, deleted or someone else's is NOT_FOUND. Records `assignment.created`.
 *
 * One statement, so no transaction: it locks the course FOR SHARE (a concurrent deleteCourse
 * waits, and its cascade, whose statement starts after, then takes this assignment too), inserts
 * the assignment only if that found the viewer's live course (after a wait, PostgreSQL checks the
 * course row again as it is now: a course deleted meanwhile yields nothing), and records the
 * event of the row it inserted. No row: NOT_FOUND, and nothing was written. The answer is the
 * inserted row (the response's relations, if any, are loaded by Pothos from it).
 */
export async function createAssignment(
  ctx: DomainContext,
  input: CreateAssignmentInput,
  // The inserted row answers; Pothos loads any relation the selection names from it.
  _query?: Selection<Prisma.AssignmentFindUniqueArgs>,
): Promise<Assignment> {
  const viewer = requireViewer(ctx);
  const { title, dueAt, ...rest } = checkAssignmentFields(input);
  if (title === undefined || dueAt === undefined) throw new ValidationError('title and dueAt are required.');
  const { courseId } = input;
  if (!isUuid(courseId)) throw new NotFoundError('Course');
  const at = new Date();
  // The columns given (a field left out takes the column's default, as Prisma's create does).
  const values: [string, Prisma.Sql][] = [
    ['id', Prisma.sql`${uuidv7()}::uuid`],
    ['userId', Prisma.sql`${viewer.id}::uuid`],
    ['courseId', Prisma.sql`course."id"`],
    ['title', Prisma.sql`${title}::text`],
    ['dueAt', Prisma.sql`${dueAt}::timestamp`],
    ['createdAt', Prisma.sql`${at}::timestamp`],
    ['updatedAt', Prisma.sql`${at}::timestamp`],
  ];
  if (rest.description !== undefined) values.push(['description', Prisma.sql`${rest.description}::text`]);
  if (rest.priority !== undefined) values.push(['priority', Prisma.sql`${rest.priority}::text::"Priority"`]);
  if (rest.estimatedMinutes !== undefined) {
    values.push(['estimatedMinutes', Prisma.sql`${rest.estimatedMinutes}::int`]);
  }
  const columns = Prisma.raw(values.map(([column]) => `"${column}"`).join(', '));
  const rows = await ctx.db.$queryRaw<Assignment[]>`
    WITH course AS (
      SELECT "id" FROM "Course"
      WHERE "id" = ${courseId}::uuid AND "userId" = ${viewer.id}::uuid AND "deletedAt" IS NULL
      FOR SHARE
    ),
    created AS (
      INSERT INTO "Assignment" (${columns})
      SELECT ${Prisma.join(values.map(([, value]) => value))} FROM course
      RETURNING *
    ),
    event AS (${taskEventInsertSql('assignment.created', Prisma.sql`created t`)})
    SELECT * FROM created`;
  const assignment = rows[0];
  if (!assignment) throw new NotFoundError('Course');
  ctx.events.notify();
  return assignment;
}

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { withDeleted } from '../src/db/soft-delete.js';
import { createTestApp, globalId as gid, type TestApp } from './helpers/app.js';
import { createAssignment, createCourse, createUser } from './helpers/factories.js';

/**
 * The writes of the mutation mix fold their row lock and ownership check into the write
 * (test/mutation-statements.test.ts counts them). Each guarantee the separate lock gave, shown
 * with a second session that holds the conflicting lock while the mutation runs: the mutation
 * waits for it (seen in pg_stat_activity), the session commits, and the outcome is checked.
 */

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

const CREATE = `mutation ($input: CreateAssignmentInput!) { createAssignment(input: $input) { id title } }`;
const COMPLETE = `mutation ($id: ID!) { completeAssignment(id: $id) { id completedAt status } }`;
const DELETE = `mutation ($id: ID!) { deleteCourse(id: $id) { deletedId deletionId } }`;
const RESTORE = `mutation ($id: ID!) { restoreCourse(id: $id) { id name } }`;

async function student() {
  const user = await createUser(app.db);
  const course = await createCourse(app.db, user.id);
  return { user, course, courseId: gid('Course', course.id), token: await app.tokens.issue(user.id) };
}

/** A second session, in a transaction, for `work`: committed when the test says so. */
async function otherSession() {
  const client = new pg.Client({ connectionString: app.database.url });
  await client.connect();
  await client.query('BEGIN');
  return {
    query: (text: string, values: unknown[] = []) => client.query(text, values),
    async commit() {
      await client.query('COMMIT');
      await client.end();
    },
  };
}

/** Resolves once some session of this database waits for a row lock (the mutation under test). */
async function someoneWaitsForALock(): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const [row] = await app.db.$queryRaw<{ waiting: number }[]>`
      SELECT count(*)::int AS waiting FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock'`;
    if ((row?.waiting ?? 0) > 0) return;
    if (Date.now() > deadline) throw new Error('no session waits for a lock');
    // No event to await: pg_stat_activity is polled.
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const eventsOf = (aggregateId: string) =>
  app.db.outboxEvent.findMany({
    where: { aggregateId },
    orderBy: { id: 'asc' },
    select: { type: true, payload: true },
  });

describe('createAssignment (course locked FOR SHARE in the INSERT statement)', () => {
  it('waits for a deleteCourse in flight and then answers NOT_FOUND, writing nothing', async () => {
    const { user, course, courseId, token } = await student();
    const deleting = await otherSession();
    // What deleteCourse's first statement does: the course row, locked and deleted.
    await deleting.query(`UPDATE "Course" SET "deletedAt" = now(), "deletionId" = gen_random_uuid() WHERE "id" = $1`, [
      course.id,
    ]);
    const created = app.gql(CREATE, { input: { courseId, title: 'Late', dueAt: '2030-01-01T00:00:00Z' } }, token);
    await someoneWaitsForALock();
    await deleting.commit();
    const res = await created;
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await app.db.assignment.count({ where: withDeleted({ userId: user.id }) })).toBe(0);
    expect(await app.db.outboxEvent.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe('deleteCourse (ownership in the UPDATE, cascade in the next statement)', () => {
  it('waits for a task create holding the course FOR SHARE, then takes its new assignment too', async () => {
    const { user, course, courseId, token } = await student();
    const creating = await otherSession();
    // What createAssignment does: the course locked FOR SHARE, an assignment inserted, not yet committed.
    await creating.query(`SELECT "id" FROM "Course" WHERE "id" = $1 AND "deletedAt" IS NULL FOR SHARE`, [course.id]);
    const inserted = await creating.query(
      `INSERT INTO "Assignment" ("id", "userId", "courseId", "title", "dueAt", "updatedAt")
       VALUES (gen_random_uuid(), $1, $2, 'Racing', now() + interval '1 day', now()) RETURNING "id"`,
      [user.id, course.id],
    );
    const newId = (inserted.rows[0] as { id: string }).id;
    const deleted = app.gql(DELETE, { id: courseId }, token);
    await someoneWaitsForALock();
    await creating.commit();
    const res = await deleted;
    expect(res.errors).toBeUndefined();
    const { deletionId } = res.data!.deleteCourse;
    // No live assignment under the deleted course: the cascade took the one committed while it waited.
    expect(await app.db.assignment.count({ where: { courseId: course.id } })).toBe(0);
    const racing = await app.db.assignment.findFirstOrThrow({ where: withDeleted({ id: newId }) });
    expect(racing.deletionId).toBe(deletionId);
    expect(await eventsOf(course.id)).toEqual([
      {
        type: 'course.deleted',
        payload: { userId: user.id, courseId: course.id, deletionId, assignments: 1, lectures: 0, studySessions: 0 },
      },
    ]);
  });

  it('answers NOT_FOUND to a second delete that waited for the first, recording one event', async () => {
    const { user, course, courseId, token } = await student();
    await createAssignment(app.db, user.id, course.id);
    const [first, second] = await Promise.all([
      app.gql(DELETE, { id: courseId }, token),
      app.gql(DELETE, { id: courseId }, token),
    ]);
    const codes = [first, second].map((r) => r.errors?.[0]?.extensions?.code ?? 'ok').sort();
    expect(codes).toEqual(['NOT_FOUND', 'ok']);
    expect((await eventsOf(course.id)).map((e) => e.type)).toEqual(['course.deleted']);
  });
});

describe('restoreCourse (lock, then the restore in one statement)', () => {
  it('waits for a deleteCourse in flight, then brings back the course and the tasks it took', async () => {
    const { user, course, courseId, token } = await student();
    const task = await createAssignment(app.db, user.id, course.id);
    const deleting = await otherSession();
    // What deleteCourse does, not yet committed: the course and its assignment under one deletionId.
    await deleting.query(
      `UPDATE "Course" SET "deletedAt" = now(), "deletionId" = '00000000-0000-4000-8000-000000000001' WHERE "id" = $1`,
      [course.id],
    );
    await deleting.query(
      `UPDATE "Assignment" SET "deletedAt" = now(), "deletionId" = '00000000-0000-4000-8000-000000000001'
       WHERE "courseId" = $1`,
      [course.id],
    );
    const restored = app.gql(RESTORE, { id: courseId }, token);
    await someoneWaitsForALock();
    await deleting.commit();
    const res = await restored;
    expect(res.errors).toBeUndefined();
    expect(res.data!.restoreCourse).toEqual({ id: courseId, name: course.name });
    expect(await app.db.course.count({ where: { id: course.id } })).toBe(1);
    expect(await app.db.assignment.count({ where: { id: task.id } })).toBe(1);
    expect(await eventsOf(course.id)).toEqual([
      {
        type: 'course.restored',
        payload: {
          userId: user.id,
          courseId: course.id,
          deletionId: '00000000-0000-4000-8000-000000000001',
          assignments: 1,
          lectures: 0,
          studySessions: 0,
        },
      },
    ]);
  });
});

describe('completeAssignment (ownership, liveness and state in the UPDATE)', () => {
  it('waits for a cascade deleting the assignment, then answers NOT_FOUND and changes nothing', async () => {
    const { user, course, token } = await student();
    const task = await createAssignment(app.db, user.id, course.id);
    const deleting = await otherSession();
    await deleting.query(
      `UPDATE "Assignment" SET "deletedAt" = now(), "deletionId" = gen_random_uuid() WHERE "id" = $1`,
      [task.id],
    );
    const completed = app.gql(COMPLETE, { id: gid('Assignment', task.id) }, token);
    await someoneWaitsForALock();
    await deleting.commit();
    const res = await completed;
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const row = await app.db.assignment.findFirstOrThrow({ where: withDeleted({ id: task.id }) });
    expect(row.completedAt).toBeNull();
    expect(await eventsOf(task.id)).toEqual([]);
  });

  it('completes once when two requests race: both answer COMPLETED, one event', async () => {
    const { user, course, token } = await student();
    const task = await createAssignment(app.db, user.id, course.id);
    const id = gid('Assignment', task.id);
    const both = await Promise.all([app.gql(COMPLETE, { id }, token), app.gql(COMPLETE, { id }, token)]);
    for (const res of both) expect(res.data?.completeAssignment?.status).toBe('COMPLETED');
    expect(both[0]!.data!.completeAssignment.completedAt).toBe(both[1]!.data!.completeAssignment.completedAt);
    expect((await eventsOf(task.id)).map((e) => e.type)).toEqual(['assignment.completed']);
  });
});

describe("another student's rows", () => {
  it('answer NOT_FOUND to each mutation of the mix, which changes nothing and records nothing', async () => {
    const owner = await student();
    const task = await createAssignment(app.db, owner.user.id, owner.course.id);
    const gone = await createCourse(app.db, owner.user.id);
    await app.db.course.delete({ where: { id: gone.id } });
    const goneBefore = await app.db.course.findFirstOrThrow({ where: withDeleted({ id: gone.id }) });
    const stranger = await student();
    const attempts: [string, string, Record<string, unknown>][] = [
      ['create', CREATE, { input: { courseId: owner.courseId, title: 'x', dueAt: '2030-01-01T00:00:00Z' } }],
      ['complete', COMPLETE, { id: gid('Assignment', task.id) }],
      ['deleteCourse', DELETE, { id: owner.courseId }],
      ['restoreCourse', RESTORE, { id: gid('Course', gone.id) }],
    ];
    for (const [name, query, variables] of attempts) {
      const res = await app.gql(query, variables, stranger.token);
      expect([name, res.errors?.[0]?.extensions?.code]).toEqual([name, 'NOT_FOUND']);
    }
    expect(await app.db.course.findUniqueOrThrow({ where: { id: owner.course.id } })).toEqual(owner.course);
    expect(await app.db.assignment.findUniqueOrThrow({ where: { id: task.id } })).toEqual(task);
    expect(await app.db.course.findFirstOrThrow({ where: withDeleted({ id: gone.id }) })).toEqual(goneBefore);
    expect(await app.db.assignment.count({ where: withDeleted({ courseId: owner.course.id }) })).toBe(1);
    const users = [owner.user.id, stranger.user.id];
    expect(await app.db.outboxEvent.count({ where: { userId: { in: users } } })).toBe(0);
  });
});

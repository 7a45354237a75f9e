import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, globalId as gid, type TestApp } from './helpers/app.js';
import { createAssignment, createCourse, createLecture, createStudySession, createUser } from './helpers/factories.js';

/**
 * The statements of the benchmark's mutation mix (bench/scenarios.ts: create an assignment,
 * complete it, delete its course, restore the course), each counted on its own: the request's
 * and the event bus's after it (every dispatch cycle the request set off, until the bus is idle).
 * Counted as the wire counts them (bench/sql-counter.ts): Prisma's query event reports COMMIT
 * but not BEGIN, so each COMMIT/ROLLBACK stands for two. docs/events.md lists the statements.
 */

let app: TestApp;
let recording: string[] | null = null;
beforeAll(async () => {
  app = await createTestApp({ onQuery: (sql) => recording?.push(sql.replace(/\s+/g, ' ').trim()) });
});
afterAll(async () => {
  await app?.close();
});

const MUTATIONS = {
  create: `mutation Create($input: CreateAssignmentInput!) { createAssignment(input: $input) { id title dueAt status } }`,
  complete: `mutation Complete($id: ID!) { completeAssignment(id: $id) { id completedAt status } }`,
  deleteCourse: `mutation DeleteCourse($id: ID!) { deleteCourse(id: $id) { deletedId deletionId } }`,
  restoreCourse: `mutation RestoreCourse($id: ID!) { restoreCourse(id: $id) { id name } }`,
};

/** The most statements each mutation may cost (docs/events.md lists them). */
const BOUNDS = { create: 8, complete: 8, deleteCourse: 12, restoreCourse: 12 };

/** Statements on the wire: what was reported, plus the BEGIN of each transaction. */
const onTheWire = (statements: string[]) =>
  statements.length + statements.filter((s) => s === 'COMMIT' || s === 'ROLLBACK').length;

async function counted(query: string, variables: Record<string, unknown>, token: string) {
  await app.bus.idle();
  recording = [];
  const res = await app.gql(query, variables, token);
  await app.bus.idle();
  const statements = recording;
  recording = null;
  expect(res.errors).toBeUndefined();
  return { data: res.data!, statements, wire: onTheWire(statements) };
}

describe('the mutation mix', () => {
  it('costs a bounded number of statements per mutation, the event bus’s work included', async () => {
    const user = await createUser(app.db);
    const token = await app.tokens.issue(user.id);
    const course = await createCourse(app.db, user.id);
    const earlier = await createAssignment(app.db, user.id, course.id);
    await createLecture(app.db, user.id, course.id, new Date(Date.now() + 86_400_000));
    await createStudySession(app.db, user.id, course.id, earlier.id);
    // The viewer is cached after its first request, as in the benchmark's steady state.
    expect((await app.gql('{ me { id } }', {}, token)).errors).toBeUndefined();
    const dueAt = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const courseId = gid('Course', course.id);

    const create = await counted(
      MUTATIONS.create,
      { input: { courseId, title: 'Essay', dueAt, priority: 'HIGH', estimatedMinutes: 90 } },
      token,
    );
    const id = create.data.createAssignment.id as string;
    const complete = await counted(MUTATIONS.complete, { id }, token);
    expect(complete.data.completeAssignment.status).toBe('COMPLETED');
    const deleted = await counted(MUTATIONS.deleteCourse, { id: courseId }, token);
    expect(deleted.data.deleteCourse.deletedId).toBe(courseId);
    const restored = await counted(MUTATIONS.restoreCourse, { id: courseId }, token);
    expect(restored.data.restoreCourse).toEqual({ id: courseId, name: course.name });

    const counts = {
      create: create.wire,
      complete: complete.wire,
      deleteCourse: deleted.wire,
      restoreCourse: restored.wire,
    };
    // Upper bounds at what was reached: a change that adds a statement fails here.
    const over = Object.entries(counts).filter(([name, n]) => n > BOUNDS[name as keyof typeof BOUNDS]);
    expect({ over, counts }).toEqual({ over: [], counts });
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, globalId, type TestApp } from './helpers/app.js';
import { createCourse, createUser } from './helpers/factories.js';
import { sseSubscribe, wsSubscribe } from '../tools/clients/subscriptions.js';
import { rawWs } from './helpers/ws.js';

const UPDATES = `subscription ($courseId: ID) {
  taskUpdates(courseId: $courseId) { eventId change kind taskId courseId task { __typename title } }
}`;
const CREATE = `mutation ($input: CreateAssignmentInput!) { createAssignment(input: $input) { id title } }`;

let app: TestApp;
let url: string;
beforeAll(async () => {
  app = await createTestApp();
  url = await app.server.listen(0, '127.0.0.1');
});
afterAll(async () => {
  await app?.close();
});

async function student() {
  const user = await createUser(app.db);
  const course = await createCourse(app.db, user.id);
  return { user, course, token: await app.tokens.issue(user.id) };
}

async function createAssignment(s: { course: { id: string }; token: string }, title: string) {
  const res = await app.gql(
    CREATE,
    { input: { courseId: globalId('Course', s.course.id), title, dueAt: '2027-01-15T12:00:00Z' } },
    s.token,
  );
  expect(res.errors).toBeUndefined();
  await app.bus.idle();
  return res.data!.createAssignment;
}

describe('taskUpdates', () => {
  it('delivers the own update over graphql-ws, and not another student’s', async () => {
    const me = await student();
    const other = await student();
    const sub = await wsSubscribe(url, me.token, UPDATES);
    try {
      // Published first, on the other student's topic: must never arrive here.
      await createAssignment(other, 'not for me');
      const created = await createAssignment(me, 'mine');
      const message = await sub.next();
      expect(message.errors).toBeUndefined();
      expect(message.data.taskUpdates).toMatchObject({
        change: 'CREATED',
        kind: 'ASSIGNMENT',
        taskId: created.id,
        courseId: globalId('Course', me.course.id),
        task: { __typename: 'Assignment', title: 'mine' },
      });
    } finally {
      await sub.close();
    }
  });

  it('delivers over SSE with the Authorization header', async () => {
    const me = await student();
    const other = await student();
    const sub = await sseSubscribe(
      (path, init) => fetch(url.replace('/graphql', path), init),
      me.token,
      'subscription { taskUpdates { change task { title } } }',
    );
    try {
      expect(sub.status).toBe(200);
      // Start reading: the stream attaches its listener when it is first pulled.
      const first = sub.next();
      await createAssignment(other, 'not for me');
      await createAssignment(me, 'over sse');
      const message = await first;
      expect(message).toEqual({ data: { taskUpdates: { change: 'CREATED', task: { title: 'over sse' } } } });
    } finally {
      await sub.close();
    }
  });

  it('filters by course and reports a deletion with the task gone', async () => {
    const me = await student();
    const otherCourse = await createCourse(app.db, me.user.id);
    const sub = await wsSubscribe(url, me.token, UPDATES, { courseId: globalId('Course', me.course.id) });
    try {
      await createAssignment({ course: otherCourse, token: me.token }, 'other course');
      const created = await createAssignment(me, 'this course');
      expect((await sub.next()).data.taskUpdates.taskId).toBe(created.id);
      const del = await app.gql(
        `mutation ($id: ID!) { deleteAssignment(id: $id) { deletedId } }`,
        { id: created.id },
        me.token,
      );
      expect(del.errors).toBeUndefined();
      await app.bus.idle();
      expect((await sub.next()).data.taskUpdates).toMatchObject({ change: 'DELETED', taskId: created.id, task: null });
    } finally {
      await sub.close();
    }
  });

  it('refuses a WebSocket connection without a valid token (4403 at connection_init)', async () => {
    const ws = await rawWs(url);
    ws.send({ type: 'connection_init', payload: { authorization: 'Bearer not-a-token' } });
    expect(await ws.closed).toEqual({ code: 4403, reason: 'Forbidden' });
  });
});

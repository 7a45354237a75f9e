import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rawWs } from './helpers/ws.js';
import { createTestApp, globalId, type TestApp } from './helpers/app.js';
import { createAssignment, createCourse, createLecture, createSessionAt, createUser } from './helpers/factories.js';
import { sseSubscribe, wsSubscribe } from '../tools/clients/subscriptions.js';

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

const NOTIFICATIONS = `subscription { notifications { id kind title channels subject { __typename ... on Assignment { title } } } }`;

async function remindNow() {
  const record = await app.jobs.run('reminders');
  expect(record?.error).toBeNull();
  await app.bus.idle();
}

describe('notifications subscription', () => {
  it('pushes a new reminder to its owner over graphql-ws, and not another student’s', async () => {
    const me = await student();
    const other = await student();
    const sub = await wsSubscribe(url, me.token, NOTIFICATIONS);
    try {
      await app.subscribed('notifications', me.user.id);
      const soon = new Date(app.clock.now.getTime() + 20 * 60_000);
      await createAssignment(app.db, other.user.id, other.course.id, { title: 'not for me', dueAt: soon });
      await remindNow();
      await createAssignment(app.db, me.user.id, me.course.id, { title: 'mine', dueAt: soon });
      await remindNow();
      const message = await sub.next();
      expect(message.errors).toBeUndefined();
      expect(message.data.notifications).toMatchObject({
        kind: 'reminder',
        title: 'Due in 20 minutes: mine',
        channels: ['IN_APP', 'EMAIL', 'PUSH'],
        subject: { __typename: 'Assignment', title: 'mine' },
      });
    } finally {
      await sub.close();
    }
  });

  it('pushes over SSE with the Authorization header, and refuses a bad token', async () => {
    const me = await student();
    const sub = await sseSubscribe(
      (path, init) => fetch(url.replace('/graphql', path), init),
      me.token,
      'subscription { notifications { kind body } }',
    );
    try {
      expect(sub.status).toBe(200);
      const first = sub.next();
      const res = await app.gql(
        `mutation ($input: CreateAssignmentInput!) { createAssignment(input: $input) { id } }`,
        { input: { courseId: globalId('Course', me.course.id), title: 'over sse', dueAt: '2027-06-01T10:00:00Z' } },
        me.token,
      );
      expect(res.errors).toBeUndefined();
      await app.bus.idle();
      expect(await first).toEqual({
        data: { notifications: { kind: 'assignment.created', body: '"over sse" was added.' } },
      });
    } finally {
      await sub.close();
    }
    // A bad token is refused when the connection starts (4403), before any subscription.
    const refused = await rawWs(url);
    refused.send({ type: 'connection_init', payload: { authorization: 'Bearer not-a-token' } });
    expect((await refused.closed).code).toBe(4403);
  });
});

describe('cascades reach taskUpdates subscribers', () => {
  it('publishes one DELETED message per task deleteCourse took, and RESTORED on restoreCourse', async () => {
    const me = await student();
    const a1 = await createAssignment(app.db, me.user.id, me.course.id, { title: 'a1' });
    const a2 = await createAssignment(app.db, me.user.id, me.course.id, { title: 'a2' });
    const lecture = await createLecture(app.db, me.user.id, me.course.id, new Date('2027-01-10T10:00:00Z'));
    const session = await createSessionAt(app.db, me.user.id, me.course.id, new Date('2027-01-11T10:00:00Z'));
    const sub = await wsSubscribe(
      url,
      me.token,
      `subscription { taskUpdates { eventId change kind taskId task { __typename } } }`,
    );
    await app.subscribed('taskUpdates', me.user.id);
    const taskIds = [
      globalId('Assignment', a1.id),
      globalId('Assignment', a2.id),
      globalId('Lecture', lecture.id),
      globalId('StudySession', session.id),
    ].sort();
    const receive = async (n: number) => {
      const messages = [];
      for (let i = 0; i < n; i++) messages.push((await sub.next()).data.taskUpdates);
      return messages;
    };
    try {
      const del = await app.gql(
        `mutation ($id: ID!) { deleteCourse(id: $id) { deletionId } }`,
        { id: globalId('Course', me.course.id) },
        me.token,
      );
      expect(del.errors).toBeUndefined();
      await app.bus.idle();
      const deleted = await receive(4);
      expect(deleted.map((m) => m.taskId).sort()).toEqual(taskIds);
      expect(new Set(deleted.map((m) => `${m.change}:${m.task}`))).toEqual(new Set(['DELETED:null']));
      expect(new Set(deleted.map((m) => m.eventId)).size).toBe(1);

      const restore = await app.gql(
        `mutation ($id: ID!) { restoreCourse(id: $id) { id } }`,
        { id: globalId('Course', me.course.id) },
        me.token,
      );
      expect(restore.errors).toBeUndefined();
      await app.bus.idle();
      const restored = await receive(4);
      expect(restored.map((m) => m.taskId).sort()).toEqual(taskIds);
      expect(new Set(restored.map((m) => m.change))).toEqual(new Set(['RESTORED']));
      expect(restored.every((m) => m.task !== null)).toBe(true);
    } finally {
      await sub.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, globalId, type TestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { createCourse, createUser } from './helpers/factories.js';
import { wsSubscribe } from '../tools/clients/subscriptions.js';

// Real Redis (the machine runs one at 127.0.0.1:6379; REDIS_URL overrides).
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let database: TestDatabase;
let replicaA: TestApp;
let replicaB: TestApp;
beforeAll(async () => {
  database = await createTestDatabase();
  replicaA = await createTestApp({ database, redisUrl: REDIS_URL });
  replicaB = await createTestApp({ database, redisUrl: REDIS_URL });
});
afterAll(async () => {
  await replicaA?.close();
  await replicaB?.close();
  await database?.drop();
});

describe('two replicas sharing Redis', () => {
  it('delivers an update published on one replica to a subscriber on the other', async () => {
    const user = await createUser(database.db);
    const course = await createCourse(database.db, user.id);
    const token = await replicaA.tokens.issue(user.id);
    const urlA = await replicaA.server.listen(0, '127.0.0.1');
    const sub = await wsSubscribe(urlA, token, 'subscription { taskUpdates { change task { title } } }');
    try {
      // The mutation and its event dispatch happen on replica B only.
      const res = await replicaB.gql(
        'mutation ($input: CreateAssignmentInput!) { createAssignment(input: $input) { id } }',
        { input: { courseId: globalId('Course', course.id), title: 'via redis', dueAt: '2027-02-01T10:00:00Z' } },
        token,
      );
      expect(res.errors).toBeUndefined();
      await replicaB.bus.idle();
      expect(await sub.next()).toEqual({ data: { taskUpdates: { change: 'CREATED', task: { title: 'via redis' } } } });
    } finally {
      await sub.close();
    }
  });
});

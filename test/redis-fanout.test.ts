import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, globalId, type TestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { createCourse, createUser } from './helpers/factories.js';
import { wsSubscribe } from '../tools/clients/subscriptions.js';
import { startTestRedis, type TestRedis } from './helpers/redis.js';

// Real Redis: REDIS_URL, else a redis-server this suite starts on a free port (jest.config.js
// leaves the suite out, in one line, when there is neither; CI=true runs it and fails instead).
let redis: TestRedis;
let database: TestDatabase;
let replicaA: TestApp;
let replicaB: TestApp;
beforeAll(async () => {
  redis = await startTestRedis();
  database = await createTestDatabase();
  replicaA = await createTestApp({ database, redisUrl: redis.url });
  replicaB = await createTestApp({ database, redisUrl: redis.url });
});
afterAll(async () => {
  await replicaA?.close();
  await replicaB?.close();
  await database?.drop();
  await redis?.stop();
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

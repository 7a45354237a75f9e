import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, globalId, type TestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { createCourse, createUser, PASSWORD } from './helpers/factories.js';
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

describe('an account change heard by every replica', () => {
  let left: TestApp;
  let right: TestApp;
  afterAll(async () => {
    await left?.close();
    await right?.close();
  });

  it('a session signed out on one replica is refused on the other at once, not after VIEWER_CACHE_TTL_MS', async () => {
    // Ten minutes of viewer cache: only the broadcast can make the other replica refuse the token now.
    left = await createTestApp({ database, redisUrl: redis.url, viewerCacheTtlMs: 600_000 });
    right = await createTestApp({ database, redisUrl: redis.url, viewerCacheTtlMs: 600_000 });
    const user = await createUser(database.db);
    const signIn = await left.gql<{ signIn: { accessToken: string } }>(
      'mutation ($input: SignInInput!) { signIn(input: $input) { accessToken } }',
      { input: { email: user.email, password: PASSWORD } },
    );
    expect(signIn.errors).toBeUndefined();
    const token = signIn.data!.signIn.accessToken;
    const me = '{ me { id } }';
    // The other replica has the account and its session cached.
    expect((await right.gql(me, {}, token)).errors).toBeUndefined();
    const out = await left.gql('mutation { signOut { sessionsEnded } }', {}, token);
    expect(out.errors).toBeUndefined();
    // The broadcast takes a Redis round trip: ask until refused (each ask awaits a request).
    const deadline = Date.now() + 5_000;
    let code: unknown;
    while (Date.now() < deadline) {
      code = (await right.gql(me, {}, token)).errors?.[0]?.extensions?.code;
      if (code) break;
    }
    expect(code).toBe('UNAUTHENTICATED');
  });
});

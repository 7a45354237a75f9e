import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { pruneSyncLogJob } from '../src/jobs/prune-sync-log.js';
import { runJob } from '../src/jobs/runner.js';
import { createLogger } from '../src/observability/logger.js';
import { LOG_PAGE } from '../src/resolvers/sync/list-changes.js';
import { createTestApp, globalId, rawId, type TestApp } from './helpers/app.js';
import { planNodes } from './helpers/explain.js';
import { createAssignment, createCourse, createLecture, createStudySession, createUser } from './helpers/factories.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const CHANGES = `query ($since: SyncCursor, $first: Int) {
  changes(since: $since, first: $first) {
    cursor hasMore caughtUp fullSync
    changes {
      id kind typename operation deleted deletedAt deletionId
      node {
        __typename
        ... on Course { id name code updatedAt }
        ... on Assignment { id title dueAt completedAt updatedAt }
        ... on Lecture { id title startsAt endsAt updatedAt }
        ... on StudySession { id title startsAt endsAt updatedAt }
      }
    }
  }
}`;

interface Change {
  id: string;
  kind: string;
  typename: string;
  operation: string;
  deleted: boolean;
  deletedAt: string | null;
  deletionId: string | null;
  node: ({ __typename: string; id: string } & Record<string, unknown>) | null;
}
interface Page {
  cursor: string;
  hasMore: boolean;
  caughtUp: boolean;
  fullSync: boolean;
  changes: Change[];
}

/** An app's local store: global id → the node as last synced. */
type Store = Map<string, Record<string, unknown>>;

/** Syncs `store` from `cursor` until no more is ready; returns the new cursor and every entry applied. */
async function sync(token: string, store: Store, cursor: string | null, first = 3) {
  const applied: Change[] = [];
  for (;;) {
    const res = await app.gql<{ changes: Page }>(CHANGES, { since: cursor, first }, token);
    expect(res.errors).toBeUndefined();
    const page = res.data!.changes;
    for (const c of page.changes) {
      applied.push(c);
      if (c.deleted) store.delete(c.id);
      else store.set(c.id, c.node!);
    }
    cursor = page.cursor;
    // Not caught up: changes already committed wait behind an older transaction still running.
    if (!page.hasMore && page.caughtUp) return { cursor, applied };
  }
}

/** What the server holds for `userId`, as the app's store should: every live row, every field the app reads. */
async function serverState(userId: string): Promise<Store> {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  const out: Store = new Map();
  for (const c of await app.db.course.findMany({ where: { userId } })) {
    out.set(globalId('Course', c.id), {
      __typename: 'Course',
      id: globalId('Course', c.id),
      name: c.name,
      code: c.code,
      updatedAt: iso(c.updatedAt),
    });
  }
  for (const a of await app.db.assignment.findMany({ where: { userId } })) {
    out.set(globalId('Assignment', a.id), {
      __typename: 'Assignment',
      id: globalId('Assignment', a.id),
      title: a.title,
      dueAt: iso(a.dueAt),
      completedAt: iso(a.completedAt),
      updatedAt: iso(a.updatedAt),
    });
  }
  for (const [type, rows] of [
    ['Lecture', await app.db.lecture.findMany({ where: { userId } })],
    ['StudySession', await app.db.studySession.findMany({ where: { userId } })],
  ] as const) {
    for (const r of rows) {
      out.set(globalId(type, r.id), {
        __typename: type,
        id: globalId(type, r.id),
        title: r.title,
        startsAt: iso(r.startsAt),
        endsAt: iso(r.endsAt),
        updatedAt: iso(r.updatedAt),
      });
    }
  }
  return out;
}

const ok = async <T = Record<string, any>>(query: string, variables: Record<string, unknown>, token: string) => {
  const res = await app.gql<T>(query, variables, token);
  expect(res.errors).toBeUndefined();
  return res.data!;
};
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();

describe('changes(since:)', () => {
  it('brings a second device to exactly the server state: creates, updates, completes, deletes, cascades, restores', async () => {
    const user = await createUser(app.db);
    const token = await app.tokens.issue(user.id);
    // Rows the user had before this device ever synced.
    const course = await createCourse(app.db, user.id, { name: 'Algebra' });
    const kept = await createAssignment(app.db, user.id, course.id, { title: 'Set 1' });
    await createLecture(app.db, user.id, course.id, new Date(Date.now() + 86_400_000));
    await createStudySession(app.db, user.id, course.id, kept.id);

    const phone: Store = new Map();
    const first = await sync(token, phone, null, 2);
    expect(first.applied.every((c) => c.operation === 'SNAPSHOT')).toBe(true);
    expect(phone).toEqual(await serverState(user.id));

    // Offline; another device makes changes through the API.
    const other = await ok<{ createCourse: { id: string } }>(
      'mutation { createCourse(input: { name: "Physics", code: "PH1" }) { id } }',
      {},
      token,
    );
    const physics = other.createCourse.id;
    const a1 = (
      await ok<{ createAssignment: { id: string } }>(
        'mutation ($input: CreateAssignmentInput!) { createAssignment(input: $input) { id } }',
        { input: { courseId: physics, title: 'Lab report', dueAt: inDays(3) } },
        token,
      )
    ).createAssignment.id;
    await ok(
      'mutation ($input: CreateLectureInput!) { createLecture(input: $input) { id } }',
      { input: { courseId: physics, title: 'Optics', startsAt: inDays(1), endsAt: inDays(1.05) } },
      token,
    );
    await ok(
      'mutation ($id: ID!) { updateCourse(id: $id, input: { name: "Algebra II" }) { id } }',
      { id: globalId('Course', course.id) },
      token,
    );
    await ok(
      'mutation ($id: ID!) { completeAssignment(id: $id) { id } }',
      { id: globalId('Assignment', kept.id) },
      token,
    );
    await ok(
      'mutation ($id: ID!) { updateAssignment(id: $id, input: { title: "Lab report v2" }) { id } }',
      { id: a1 },
      token,
    );
    // A course deleted with its tasks (cascade), then brought back; another deleted for good.
    await ok(
      'mutation ($id: ID!) { deleteCourse(id: $id) { deletedId } }',
      { id: globalId('Course', course.id) },
      token,
    );
    await ok('mutation ($id: ID!) { restoreCourse(id: $id) { id } }', { id: globalId('Course', course.id) }, token);
    await ok('mutation ($id: ID!) { deleteCourse(id: $id) { deletedId } }', { id: physics }, token);

    const second = await sync(token, phone, first.cursor);
    expect(phone).toEqual(await serverState(user.id));
    // Physics and its tasks come back as tombstones with the deletion that took them (each entry is
    // the entity's state now, so one deleted later in the window is a tombstone on every page).
    const tombstones = [...new Map(second.applied.filter((c) => c.deleted).map((c) => [c.id, c])).values()];
    expect(tombstones.map((c) => c.typename).sort()).toEqual(['Assignment', 'Course', 'Lecture']);
    const deletion = tombstones[0]!.deletionId;
    expect(deletion).toEqual(expect.any(String));
    expect(tombstones.every((c) => c.deletionId === deletion && c.deletedAt !== null && c.node === null)).toBe(true);
    expect(tombstones.find((c) => c.kind === 'COURSE')!.id).toBe(physics);

    // Nothing new: an empty page, and the same state.
    const third = await sync(token, phone, second.cursor);
    expect(third.applied).toEqual([]);
    expect(phone).toEqual(await serverState(user.id));

    // Restore the deleted course: its cascade comes back.
    await ok('mutation ($id: ID!) { restoreCourse(id: $id) { id } }', { id: physics }, token);
    const fourth = await sync(token, phone, third.cursor);
    expect(fourth.applied.map((c) => c.operation)).toEqual(['RESTORED', 'RESTORED', 'RESTORED']);
    expect(phone).toEqual(await serverState(user.id));
  });

  it('never skips a transaction that began first and committed last (commit order, not start order)', async () => {
    if (app.database.embedded) return; // one connection on the embedded database: no concurrent transactions
    const user = await createUser(app.db);
    const token = await app.tokens.issue(user.id);
    const course = await createCourse(app.db, user.id);
    const store: Store = new Map();
    const start = await sync(token, store, null);

    const a = new pg.Client({ connectionString: app.database.url });
    const b = new pg.Client({ connectionString: app.database.url });
    await Promise.all([a.connect(), b.connect()]);
    const insert = `INSERT INTO "Assignment" ("id", "userId", "courseId", "title", "dueAt", "updatedAt")
      VALUES (gen_random_uuid(), $1, $2, $3, now() + interval '1 day', now()) RETURNING "id"`;
    try {
      await a.query('BEGIN');
      const fromA = (await a.query<{ id: string }>(insert, [user.id, course.id, 'A: began first'])).rows[0]!.id;
      await b.query('BEGIN');
      const fromB = (await b.query<{ id: string }>(insert, [user.id, course.id, 'B: committed first'])).rows[0]!.id;
      await b.query('COMMIT');

      // A sync between B's commit and A's: A is still running, so the page stops before it (and
      // before B, which began later): nothing is skipped, and the client is told to ask again.
      const res = await app.gql<{ changes: Page }>(CHANGES, { since: start.cursor }, token);
      expect(res.errors).toBeUndefined();
      const between = res.data!.changes;
      expect(between.changes.map((c) => rawId(c.id))).not.toContain(fromA);
      expect(between.caughtUp).toBe(false);

      await a.query('COMMIT');
      const after = await sync(token, store, between.cursor);
      const seen = [...between.changes, ...after.applied].map((c) => rawId(c.id));
      expect(seen).toContain(fromA);
      expect(seen).toContain(fromB);
      expect(store).toEqual(await serverState(user.id));
    } finally {
      await a.query('ROLLBACK').catch(() => undefined);
      await Promise.all([a.end(), b.end()]);
    }
  });

  it("answers only the viewer's own rows", async () => {
    const [me, stranger] = [await createUser(app.db), await createUser(app.db)];
    const token = await app.tokens.issue(me.id);
    const mine = await createCourse(app.db, me.id);
    const store: Store = new Map();
    const start = await sync(token, store, null);
    const theirs = await createCourse(app.db, stranger.id);
    await createAssignment(app.db, stranger.id, theirs.id);
    await createAssignment(app.db, me.id, mine.id, { title: 'mine' });
    const next = await sync(token, store, start.cursor);
    expect(next.applied.map((c) => c.typename)).toEqual(['Assignment']);
    expect([...store.keys()].map(rawId)).not.toContain(theirs.id);
    expect(store).toEqual(await serverState(me.id));
    const anonymous = await app.gql(CHANGES, { since: null });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a cursor it did not write, and a page size out of range, with BAD_USER_INPUT', async () => {
    const user = await createUser(app.db);
    const token = await app.tokens.issue(user.id);
    for (const since of [
      'nope',
      Buffer.from('sync1:L:1:x').toString('base64url'),
      Buffer.from('sync1:L:99999999999:0').toString('base64url'),
    ]) {
      const res = await app.gql(CHANGES, { since }, token);
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.message).toMatch(/sync cursor/i);
    }
    const literal = await app.gql('{ changes(since: "%%%") { cursor } }', {}, token);
    expect(literal.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const big = await app.gql(CHANGES, { since: null, first: 501 }, token);
    expect(big.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers SYNC_CURSOR_EXPIRED for a cursor older than the pruned log, and a full sync recovers', async () => {
    const user = await createUser(app.db);
    const token = await app.tokens.issue(user.id);
    const course = await createCourse(app.db, user.id);
    const store: Store = new Map();
    const start = await sync(token, store, null);
    await createAssignment(app.db, user.id, course.id);
    // The change is older than the retention (the log's clock is the database's).
    await app.db
      .$executeRaw`UPDATE "SyncChange" SET "changedAt" = "changedAt" - interval '31 days' WHERE "userId" = ${user.id}::uuid`;
    const run = await runJob({ db: app.db, logger: createLogger('silent') }, pruneSyncLogJob({ retentionDays: 30 }));
    expect(run?.error ?? null).toBeNull();
    expect(
      await app.db.$queryRaw<
        { n: number }[]
      >`SELECT count(*)::int AS n FROM "SyncChange" WHERE "userId" = ${user.id}::uuid`,
    ).toEqual([{ n: 0 }]);

    const res = await app.gql(CHANGES, { since: start.cursor }, token);
    expect(res.errors?.[0]?.extensions?.code).toBe('SYNC_CURSOR_EXPIRED');
    expect(res.data).toBeNull();

    const fresh: Store = new Map();
    const again = await sync(token, fresh, null);
    expect(fresh).toEqual(await serverState(user.id));
    // The cursor a full sync ends on is not expired.
    expect((await app.gql(CHANGES, { since: again.cursor }, token)).errors).toBeUndefined();
  });

  it('reads a page in one statement from the log index', async () => {
    const user = await createUser(app.db);
    const token = await app.tokens.issue(user.id);
    // Other students' history, so the planner has a table worth an index.
    await app.db.$executeRaw`INSERT INTO "SyncChange" ("userId", "stream", "kind", "entityId", "courseId", "operation")
      SELECT gen_random_uuid(), 'planner', 'ASSIGNMENT', gen_random_uuid(), gen_random_uuid(), 'CREATED' FROM generate_series(1, 20000)`;
    await app.db.$executeRaw`ANALYZE "SyncChange"`;
    const course = await createCourse(app.db, user.id);
    const store: Store = new Map();
    const { cursor } = await sync(token, store, null);
    for (let i = 0; i < 5; i++) await createAssignment(app.db, user.id, course.id);

    // Until nothing waits behind another transaction (the app's event bus runs beside the test).
    for (;;) {
      const probe = await app.gql<{ changes: Page }>(CHANGES, { since: cursor, first: 10 }, token);
      if (probe.data?.changes.caughtUp) break;
    }
    const statements: string[] = [];
    const stop = (await import('../src/db/client.js')).onDbQuery(app.db, (e) => statements.push(e.sql));
    try {
      const res = await app.gql<{ changes: Page }>(CHANGES, { since: cursor, first: 10 }, token);
      expect(res.errors).toBeUndefined();
      expect(res.data!.changes.changes).toHaveLength(5);
    } finally {
      stop();
    }
    // The page is one statement; the live nodes' rows follow with what the selection asks of them,
    // one statement per node type present (here: assignments).
    expect(statements.filter((s) => /SyncChange/.test(s))).toHaveLength(1);
    expect(statements.filter((s) => !/^\s*(BEGIN|COMMIT)/i.test(s) && !/"User"/.test(s))).toHaveLength(2);

    const nodes = await planNodes(app.db, LOG_PAGE.text, [user.id, 'planner', '0', '0', 100]);
    const log = nodes.filter((n) => n['Relation Name'] === 'SyncChange');
    // The page and the held-back check: both range scans of the position index.
    expect(log.length).toBeGreaterThan(0);
    expect(new Set(log.map((n) => n['Index Name']))).toEqual(new Set(['SyncChange_user_position_idx']));
    expect(
      nodes.some(
        (n) =>
          n['Node Type'] === 'Seq Scan' && n['Relation Name'] !== undefined && n['Relation Name'] !== 'SyncHorizon',
      ),
    ).toBe(false);
  });
});

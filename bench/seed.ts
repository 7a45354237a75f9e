import pg from 'pg';
import { sleep, withClient } from './common.js';
import { applyMigrations, readMigrations } from '../src/db/migrate.js';
import { dropSecondaryIndexes, restoreIndexes } from './indexes.js';
import { Prng } from './prng.js';

/**
 * The bench database: created if missing, migrated with the project's own runner, then filled
 * by a deterministic generator (seeded PRNG; dates relative to the seed day, midnight UTC).
 *
 * Per student (at scale 1: 2,000 students): 8 courses; per course 60 assignments, 24 lectures
 * (two a week for 12 weeks) and 16 study sessions, over a term of 18 weeks around the seed day.
 * Past assignments are 92% completed (the rest are overdue), future ones 8%. Soft-deleted: 4% of
 * assignments and 3% of lectures and study sessions on their own, and 2% of courses with their
 * tasks (one deletionId per cascade, as deleteCourse does). Inserts are multi-row
 * `INSERT … SELECT FROM unnest($1::uuid[], …)` on two connections, with the secondary indexes
 * dropped during the load and rebuilt after it, then VACUUM ANALYZE.
 *
 * A seeded database is reused when scale, seed, generator version, migrations and seed day match.
 */

export const GENERATOR_VERSION = 2;
export const PER_COURSE = { assignments: 60, lectures: 24, studySessions: 16 } as const;
export const COURSES_PER_STUDENT = 8;
export const STUDENTS_AT_SCALE_1 = 2000;
export const EMAIL_DOMAIN = 'bench.example';
/** Titles of rows the mutation scenario creates start with this (cleanup removes them). */
export const CREATED_PREFIX = 'bench-created ';

const DAY = 86_400_000;
const MIN = 60_000;
const BATCH_STUDENTS = 50;

export interface SeedOptions {
  url: string;
  scale: number;
  seed: number;
  /** Reseed even when the existing data matches. */
  force?: boolean;
  log: (message: string) => void;
}

export interface SeedInfo {
  students: number;
  courses: number;
  assignments: number;
  lectures: number;
  studySessions: number;
  /** The seed day (midnight UTC) that dates are relative to. */
  anchor: string;
  seconds: number;
  reused: boolean;
}

export interface Student {
  id: string;
  timezone: string;
  /** Live course ids. */
  courses: string[];
}

const FIRST = 'Ada Alan Grace Edsger Barbara Donald Katherine Linus Margaret Ken Radia Tim'.split(' ');
const LAST = 'Lovelace Turing Hopper Dijkstra Liskov Knuth Johnson Torvalds Hamilton Thompson'.split(' ');
const TIMEZONES = ['UTC', 'Europe/Berlin', 'Europe/London', 'America/New_York', 'America/Los_Angeles', 'Asia/Tokyo'];
const SUBJECTS =
  'Linear Algebra: MATH, Calculus: MATH, Algorithms: CS, Databases: CS, Operating Systems: CS, Organic Chemistry: CHEM, Microeconomics: ECON, World History: HIST, Statistics: STAT, Physics: PHYS, Philosophy of Mind: PHIL, Academic Writing: ENG'
    .split(', ')
    .map((pair) => pair.split(': ') as [subject: string, dept: string]);
const COLORS = ['#E57373', '#64B5F6', '#81C784', '#FFD54F', '#BA68C8', '#4DB6AC', '#FF8A65', '#A1887F'];
const WORK = ['Problem set', 'Essay', 'Lab report', 'Reading response', 'Quiz', 'Project milestone', 'Presentation'];
const PRIORITIES = ['LOW', 'MEDIUM', 'MEDIUM', 'MEDIUM', 'HIGH', 'HIGH', 'URGENT'] as const;

type Cell = string | number | boolean | null;

/** Column arrays for one table's `INSERT … SELECT * FROM unnest(…)`; `spec`: the table, then `name:type` (ts: timestamp(3)). */
class Columns {
  readonly data: Cell[][];
  readonly table: string;
  readonly columns: [name: string, type: string][];
  constructor(spec: string) {
    const [table, ...columns] = spec.split(' ');
    this.table = table!;
    this.columns = columns.map((c) => c.split(':').map((t) => (t === 'ts' ? 'timestamp(3)' : t)) as [string, string]);
    this.data = this.columns.map(() => []);
  }
  push(...row: Cell[]) {
    for (let i = 0; i < row.length; i++) this.data[i]!.push(row[i]!);
  }
  get length() {
    return this.data[0]!.length;
  }
  sql() {
    const names = this.columns.map(([n]) => `"${n}"`).join(', ');
    const unnest = this.columns.map(([, t], i) => `$${i + 1}::${t}[]`).join(', ');
    return `INSERT INTO "${this.table}" (${names}) SELECT * FROM unnest(${unnest})`;
  }
}

const TABLES = {
  users:
    'User id:uuid email:text passwordHash:text firstName:text lastName:text subscriptionTier:"SubscriptionTier" onboardingCompleted:boolean timezone:text createdAt:ts updatedAt:ts',
  courses:
    'Course id:uuid userId:uuid name:text code:text color:text instructor:text term:text archivedAt:ts createdAt:ts updatedAt:ts deletedAt:ts deletionId:uuid',
  assignments:
    'Assignment id:uuid userId:uuid courseId:uuid title:text description:text dueAt:ts completedAt:ts priority:"Priority" estimatedMinutes:int createdAt:ts updatedAt:ts deletedAt:ts deletionId:uuid',
  lectures:
    'Lecture id:uuid userId:uuid courseId:uuid title:text startsAt:ts endsAt:ts location:text createdAt:ts updatedAt:ts deletedAt:ts deletionId:uuid',
  studySessions:
    'StudySession id:uuid userId:uuid courseId:uuid assignmentId:uuid title:text startsAt:ts endsAt:ts actualMinutes:int notes:text createdAt:ts updatedAt:ts deletedAt:ts deletionId:uuid',
};
type Tables = Record<keyof typeof TABLES, Columns>;
const tables = () => Object.fromEntries(Object.entries(TABLES).map(([k, spec]) => [k, new Columns(spec)])) as Tables;

const iso = (ms: number) => new Date(ms).toISOString();

/** Generates students [first, first + count): each from its own PRNG stream, so batches are independent. */
function generateStudents(first: number, count: number, seed: number, anchor: number): Tables {
  const t = tables();
  const termStart = anchor - 63 * DAY;
  for (let i = first; i < first + count; i++) {
    const r = new Prng(seed, i);
    const userId = r.uuid();
    const userCreated = anchor - 120 * DAY + r.int(0, 20 * 24) * 3_600_000;
    t.users.push(
      userId,
      `student${i}@${EMAIL_DOMAIN}`,
      'not-a-real-hash',
      r.pick(FIRST),
      r.pick(LAST),
      r.chance(0.15) ? 'PREMIUM' : 'FREE',
      true,
      r.pick(TIMEZONES),
      iso(userCreated),
      iso(userCreated),
    );
    for (let c = 0; c < COURSES_PER_STUDENT; c++) {
      const courseId = r.uuid();
      const [subject, dept] = r.pick(SUBJECTS);
      const number = r.int(100, 499);
      const created = userCreated + r.int(1, 14 * 24) * 3_600_000;
      const courseDeleted = r.chance(0.02) ? { at: anchor - r.int(1, 30) * DAY, id: r.uuid() } : null;
      t.courses.push(
        courseId,
        userId,
        `${subject} ${number}`,
        `${dept} ${number}`,
        r.pick(COLORS),
        `Prof. ${r.pick(LAST)}`,
        '2026 Fall',
        r.chance(0.03) ? iso(anchor - 10 * DAY) : null,
        iso(created),
        iso(created),
        courseDeleted ? iso(courseDeleted.at) : null,
        courseDeleted?.id ?? null,
      );
      // A task is deleted on its own (own deletionId), or with its course, or not at all.
      const deletion = (p: number, before: number): [string | null, string | null] => {
        if (r.chance(p)) return [iso(Math.min(before, anchor - r.int(1, 20) * DAY)), r.uuid()];
        if (courseDeleted) return [iso(courseDeleted.at), courseDeleted.id];
        return [null, null];
      };

      const assignmentIds: { id: string; deletion: [string | null, string | null] }[] = [];
      for (let a = 0; a < PER_COURSE.assignments; a++) {
        const id = r.uuid();
        const due = termStart + r.int(0, 125) * DAY + r.int(9 * 60, 23 * 60 + 59) * MIN;
        const past = due < anchor;
        const completed = past ? r.chance(0.92) : r.chance(0.08);
        const completedAt = completed ? Math.min(due - r.int(10, 72 * 60) * MIN, anchor - r.int(1, 600) * MIN) : null;
        const aCreated = Math.min(due - 7 * DAY, created + r.int(0, 30) * DAY);
        const del = deletion(0.04, due);
        assignmentIds.push({ id, deletion: del });
        t.assignments.push(
          id,
          userId,
          courseId,
          `${r.pick(WORK)} ${a + 1}`,
          r.chance(0.4)
            ? `Chapter ${r.int(1, 20)}: read, then answer questions ${r.int(1, 10)}–${r.int(11, 30)}.`
            : null,
          iso(due),
          completedAt === null ? null : iso(completedAt),
          r.pick(PRIORITIES),
          r.chance(0.6) ? r.int(1, 16) * 30 : null,
          iso(aCreated),
          iso(completedAt ?? aCreated),
          ...del,
        );
      }

      const day1 = r.int(0, 2);
      const slots = [
        [day1, r.int(8, 16)],
        [day1 + 2, r.int(8, 16)],
      ] as const;
      const online = r.chance(0.1);
      const room = `Room ${r.int(100, 450)}`;
      const lectureBase = anchor - 42 * DAY;
      for (let l = 0; l < PER_COURSE.lectures; l++) {
        const [weekday, hour] = slots[l % 2]!;
        const start = lectureBase + (Math.floor(l / 2) * 7 + weekday) * DAY + hour * 3_600_000;
        t.lectures.push(
          r.uuid(),
          userId,
          courseId,
          `${subject} — lecture ${l + 1}`,
          iso(start),
          iso(start + 90 * MIN),
          online ? 'Online' : room,
          iso(created),
          iso(created),
          ...deletion(0.03, start),
        );
      }

      for (let s = 0; s < PER_COURSE.studySessions; s++) {
        const start = termStart + r.int(0, 125) * DAY + r.int(8, 21) * 3_600_000 + r.pick([0, 15, 30, 45]) * MIN;
        const minutes = r.int(2, 12) * 15;
        const linked = r.chance(0.6) ? r.pick(assignmentIds) : null;
        // Deleting an assignment takes its study sessions with it (same deletionId).
        const del: [string | null, string | null] = linked?.deletion[0] ? linked.deletion : deletion(0.03, start);
        t.studySessions.push(
          r.uuid(),
          userId,
          courseId,
          linked?.id ?? null,
          `Study: ${subject}`,
          iso(start),
          iso(start + minutes * MIN),
          start < anchor && r.chance(0.7) ? r.int(10, minutes) : null,
          r.chance(0.2) ? 'Went through the lecture notes.' : null,
          iso(created),
          iso(created),
          ...del,
        );
      }
    }
  }
  return t;
}

/** Creates the bench database if it does not exist. */
export async function ensureDatabase(url: string, log: (m: string) => void): Promise<void> {
  const admin = new URL(url);
  const name = decodeURIComponent(admin.pathname.replace(/^\//, ''));
  admin.pathname = '/postgres';
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unexpected bench database name: ${name}`);
  return withClient(admin.toString(), async (client) => {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      await client.query(`CREATE DATABASE ${name}`);
      log(`created database ${name}`);
    }
  });
}

async function readMeta(client: pg.ClientBase, key: string): Promise<Record<string, unknown> | null> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS bench`);
  await client.query(`CREATE TABLE IF NOT EXISTS bench.meta (key text PRIMARY KEY, value jsonb NOT NULL)`);
  const { rows } = await client.query<{ value: Record<string, unknown> }>(
    `SELECT value FROM bench.meta WHERE key = $1`,
    [key],
  );
  return rows[0]?.value ?? null;
}

async function writeMeta(client: pg.ClientBase, key: string, value: unknown | null): Promise<void> {
  if (value === null) await client.query(`DELETE FROM bench.meta WHERE key = $1`, [key]);
  else
    await client.query(
      `INSERT INTO bench.meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
      [key, JSON.stringify(value)],
    );
}

/** Migrates and seeds (or reuses) the bench database. */
export async function seedDatabase(options: SeedOptions): Promise<SeedInfo> {
  const { url, scale, seed, log } = options;
  await ensureDatabase(url, log);
  const applied = await applyMigrations(url, { log });
  if (applied.length) log(`applied ${applied.length} migration(s)`);
  // A previous run that died with its indexes dropped, or mid-way through the mutation scenario.
  await restoreIndexes(url, log);
  await cleanupMutations(url, log);

  const students = Math.max(1, Math.round(STUDENTS_AT_SCALE_1 * scale));
  const anchor = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
  const key = {
    generator: GENERATOR_VERSION,
    students,
    seed,
    anchor: iso(anchor),
    migrations: (await readMigrations()).map((m) => m.name),
  };

  const reused = await withClient(url, async (client): Promise<SeedInfo | null> => {
    const meta = await readMeta(client, 'seed');
    // jsonb does not keep key order: compare with sorted keys.
    const sorted = (o: unknown) => JSON.stringify(o, Object.keys((o ?? {}) as object).sort());
    if (!options.force && meta && sorted(meta.key) === sorted(key)) {
      const info = meta.info as SeedInfo;
      log(
        `reusing the seeded database (${info.students} students, seeded ${info.anchor.slice(0, 10)}; --reseed to redo)`,
      );
      return { ...info, reused: true };
    }
    await writeMeta(client, 'seed', null);
    await client.query(
      `TRUNCATE "StudySession", "Lecture", "Assignment", "Course", "NotificationPreference", "Notification",
                "EventDelivery", "OutboxEvent", "User", "SyncChange" CASCADE`,
    );
    return null;
  });
  if (reused) return reused;

  const started = Date.now();
  log(`seeding ${students} students (scale ${scale}, seed ${seed}, anchored at ${iso(anchor).slice(0, 10)})`);
  await dropSecondaryIndexes(url, log);

  const pool = new pg.Pool({ connectionString: url, max: 2 });
  // Rows are consistent by construction: skip FK triggers and fsync waits during the load.
  pool.on('connect', (c) => {
    void c.query(`SET session_replication_role = replica; SET synchronous_commit = off`);
  });
  const totals = { students: 0, courses: 0, assignments: 0, lectures: 0, studySessions: 0 };
  let lastLog = 0;
  const insertBatch = async (first: number) => {
    const count = Math.min(BATCH_STUDENTS, students - first);
    const t = generateStudents(first, count, seed, anchor);
    const conn = await pool.connect();
    try {
      for (const cols of Object.values(t)) await conn.query(cols.sql(), cols.data);
    } finally {
      conn.release();
    }
    totals.students += count;
    for (const key of ['courses', 'assignments', 'lectures', 'studySessions'] as const) totals[key] += t[key].length;
    if (Date.now() - lastLog > 2000 || totals.students === students) {
      lastLog = Date.now();
      const tasks = totals.assignments + totals.lectures + totals.studySessions;
      log(
        `  ${totals.students}/${students} students, ${tasks.toLocaleString('en-US')} task rows, ${((Date.now() - started) / 1000).toFixed(0)} s`,
      );
    }
  };
  try {
    // Two batches in flight: one generating/serializing in Node while the other inserts.
    const inFlight = new Set<Promise<void>>();
    for (let first = 0; first < students; first += BATCH_STUDENTS) {
      const p: Promise<void> = insertBatch(first).finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= 2) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    await pool.end();
  }

  log('building the secondary indexes');
  await restoreIndexes(url, log);
  log('writing the change log');
  await seedChangeLog(url);
  log('VACUUM ANALYZE');
  return withClient(url, async (vac) => {
    await vac.query(`VACUUM (ANALYZE) "User", "Course", "Assignment", "Lecture", "StudySession", "SyncChange"`);
    const info: SeedInfo = {
      ...totals,
      anchor: iso(anchor),
      seconds: Math.round((Date.now() - started) / 100) / 10,
      reused: false,
    };
    await writeMeta(vac, 'seed', { key, info });
    log(
      `seeded in ${info.seconds} s: ${info.students} students, ${info.courses} courses, ${info.assignments} assignments, ${info.lectures} lectures, ${info.studySessions} study sessions`,
    );
    return info;
  });
}

/**
 * The change log (docs/sync.md) the rows' history would have written: the load skips triggers
 * (session_replication_role), so the log is written here, in one statement: each row's creation,
 * each completed assignment's completion, each deleted row's deletion. About 1,050 changes per
 * student, what the `changes` scenario pages through.
 */
async function seedChangeLog(url: string): Promise<void> {
  const kinds: [string, string, string][] = [
    ['Course', 'COURSE', '"id"'],
    ['Assignment', 'ASSIGNMENT', '"courseId"'],
    ['Lecture', 'LECTURE', '"courseId"'],
    ['StudySession', 'STUDY_SESSION', '"courseId"'],
  ];
  const parts = kinds.flatMap(([table, kind, course]) => {
    const row = `"userId", 'planner', '${kind}', "id", ${course}`;
    return [
      `SELECT ${row}, 'CREATED', NULL::timestamp(3), NULL::uuid FROM "${table}"`,
      ...(table === 'Assignment'
        ? [`SELECT ${row}, 'COMPLETED', NULL::timestamp(3), NULL::uuid FROM "${table}" WHERE "completedAt" IS NOT NULL`]
        : []),
      `SELECT ${row}, 'DELETED', "deletedAt", "deletionId" FROM "${table}" WHERE "deletedAt" IS NOT NULL`,
    ];
  });
  await withClient(url, (client) =>
    client.query(
      `INSERT INTO "SyncChange" ("userId", "stream", "kind", "entityId", "courseId", "operation", "rowDeletedAt", "rowDeletionId")
       ${parts.join(' UNION ALL ')}`,
    ),
  );
}

/** The students, their time zones and live courses: what load generators draw from. */
export async function loadStudents(url: string): Promise<Student[]> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<Student>(
      `SELECT u.id, u.timezone,
              coalesce(array_agg(c.id::text ORDER BY c.name, c.id) FILTER (WHERE c.id IS NOT NULL), '{}') AS courses
         FROM "User" u LEFT JOIN "Course" c ON c."userId" = u.id AND c."deletedAt" IS NULL
        WHERE u.email LIKE $1 AND u."deletedAt" IS NULL
        GROUP BY u.id, u.email ORDER BY u.email`,
      [`%@${EMAIL_DOMAIN}`],
    );
    return rows;
  });
}

/** Marks the data as being changed by the mutation scenario (so a crash is cleaned up next run). */
export async function markMutating(url: string): Promise<void> {
  return withClient(url, async (client) => {
    // Keep the earliest mark: everything since then is undone together.
    if (!(await readMeta(client, 'mutating'))) await writeMeta(client, 'mutating', { since: new Date().toISOString() });
  });
}

const RESTORE_COURSES = (table: string) =>
  `UPDATE "${table}" SET "deletedAt" = NULL, "deletionId" = NULL WHERE "deletionId" = ANY($1::uuid[])`;

async function restoreCoursesDeletedSince(client: pg.ClientBase, since: string): Promise<number> {
  const deleted = await client.query<{ deletionId: string }>(
    `SELECT "deletionId" FROM "Course" WHERE "deletedAt" >= ($1::timestamptz AT TIME ZONE 'UTC') AND "deletionId" IS NOT NULL`,
    [since],
  );
  const ids = deleted.rows.map((r) => r.deletionId);
  for (const table of ['Course', 'Assignment', 'Lecture', 'StudySession'])
    await client.query(RESTORE_COURSES(table), [ids]);
  return ids.length;
}

/**
 * Between mutation runs, with the server up: brings back the courses that runs cut off between
 * deleteCourse and restoreCourse left deleted, so the next run's students find all their courses.
 */
export async function restoreBenchDeletions(url: string): Promise<number> {
  return withClient(url, async (client) => {
    const meta = await readMeta(client, 'mutating');
    return meta ? await restoreCoursesDeletedSince(client, String(meta.since)) : 0;
  });
}

/**
 * Undoes the mutation scenario: removes the assignments it created, restores courses it deleted
 * (with exactly their cascade), and empties the outbox and notifications it filled.
 */
export async function cleanupMutations(url: string, log: (m: string) => void): Promise<void> {
  return withClient(url, async (client) => {
    const meta = await readMeta(client, 'mutating');
    if (!meta) return;
    const since = String(meta.since);
    await client.query('BEGIN');
    // Nothing references the created rows; without this, each deleted row's foreign-key check
    // scans StudySession (its assignmentId index is partial, so the check cannot use it).
    await client.query(`SET LOCAL session_replication_role = replica`);
    const created = await client.query(`DELETE FROM "Assignment" WHERE title LIKE $1`, [`${CREATED_PREFIX}%`]);
    const restored = await restoreCoursesDeletedSince(client, since);
    // Those of the mutations' events (the seeded inbox, seedNotifications, has no source event).
    await client.query(`DELETE FROM "Notification" WHERE "sourceEventId" IS NOT NULL`);
    await client.query(`DELETE FROM "EventDelivery"`);
    await client.query(`DELETE FROM "OutboxEvent"`);
    await writeMeta(client, 'mutating', null);
    await client.query('COMMIT');
    // Now, not by autovacuum during the next server's runs (it would be measured as theirs).
    await client.query(
      `VACUUM (ANALYZE) "Course", "Assignment", "Lecture", "StudySession", "Notification", "EventDelivery", "OutboxEvent"`,
    );
    log(
      `cleaned up the mutation scenario: ${created.rowCount} created assignments removed, ${restored} courses restored`,
    );
  });
}

/**
 * Waits (at most `maxMs`) until no autovacuum worker runs in the bench database: a worker's CPU
 * would be counted as the measured server's PostgreSQL time, and it competes for the 2 cores.
 * Resolves with the milliseconds waited.
 */
export async function waitForAutovacuum(url: string, maxMs = 120_000): Promise<number> {
  const t0 = Date.now();
  return withClient(url, async (client) => {
    for (;;) {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'autovacuum worker' AND datname = current_database()`,
      );
      if (rows[0]!.n === 0 || Date.now() - t0 > maxMs) return Date.now() - t0;
      await sleep(500);
    }
  });
}

/** In-app notifications per student for the notification-list scenario. */
export const NOTIFICATIONS_PER_STUDENT = 60;

/**
 * The notification-list scenario's inbox: NOTIFICATIONS_PER_STUDENT in-app notifications per
 * student (a third read), about their assignments, lectures and courses in turn, over the last
 * days. Idempotent: skipped when the seeded inbox is there.
 */
export async function seedNotifications(url: string, log: (m: string) => void): Promise<void> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM "Notification" WHERE "sourceEventId" IS NULL AND kind = 'reminder'`,
    );
    if (Number(rows[0]!.n) > 0) return;
    const per = NOTIFICATIONS_PER_STUDENT / 3;
    const inserted = await client.query(
      `INSERT INTO "Notification" (id, "userId", channel, kind, title, body, "subjectKind", "subjectId", channels, "readAt", "createdAt", "updatedAt")
       SELECT gen_random_uuid(), t."userId", 'IN_APP', 'reminder', 'Due soon', 'A reminder', t.kind, t.id,
              ARRAY['IN_APP', 'EMAIL']::"NotificationChannel"[], CASE WHEN t.n % 3 = 0 THEN now() ELSE NULL END,
              now() - (3 * t.n + t.k) * interval '17 minutes', now()
       FROM (
         SELECT "userId", 'ASSIGNMENT' AS kind, 0 AS k, id, row_number() OVER (PARTITION BY "userId" ORDER BY id) AS n FROM "Assignment" WHERE "deletedAt" IS NULL
         UNION ALL
         SELECT "userId", 'LECTURE', 1, id, row_number() OVER (PARTITION BY "userId" ORDER BY id) FROM "Lecture" WHERE "deletedAt" IS NULL
         UNION ALL
         SELECT "userId", 'COURSE', 2, id, row_number() OVER (PARTITION BY "userId" ORDER BY id) FROM "Course" WHERE "deletedAt" IS NULL
       ) t WHERE t.n <= $1`,
      [per],
    );
    await client.query(`VACUUM (ANALYZE) "Notification"`);
    log(`seeded ${inserted.rowCount} notifications for the notification-list scenario`);
  });
}

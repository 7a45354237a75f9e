/**
 * The limit: node:http + pg, one hand-written, prepared SQL statement per request that builds the
 * whole response JSON in PostgreSQL, byte-for-byte the shape of the GraphQL API's `data` for the
 * same operation (the runner checks that they are equal before timing); deleteCourse alone takes a
 * transaction of two. It parses the same request body, verifies the same HS256 token, and checks
 * the user is live and active inside the statement; it dispatches on `operationName` and ignores
 * the query text.
 *
 * Env: DATABASE_URL, DATABASE_POOL_SIZE, JWT_SECRET, PORT.
 */
import { createServer, type ServerResponse } from 'node:http';
import pg from 'pg';
import { createTokenService } from '../src/auth/tokens.js';
import { AppError, ValidationError } from '../src/errors.js';
import { EVENT_VERSIONS, type EventType } from '../src/events/types.js';
import { checkAssignmentFields, type AssignmentFields } from '../src/resolvers/assignments/assignment-fields.js';
import { uuid7 } from './common.js';

const env = process.env;
const tokens = createTokenService({ secret: env.JWT_SECRET!, expiresIn: '1d' });
const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: Number(env.DATABASE_POOL_SIZE ?? 10) });

const iso = (col: string) => `to_char(${col}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const gid = (type: string, col: string) => `encode(convert_to('${type}:' || ${col}, 'UTF8'), 'base64')`;
/** Pothos prisma connection cursor for `cursor: 'id'`: base64("GPC:S:<id>"). */
const pcursor = (col: string) => `encode(convert_to('GPC:S:' || ${col}, 'UTF8'), 'base64')`;
const LIVE = `u.id = $1::uuid AND u."deletedAt" IS NULL AND u."accountStatus" = 'ACTIVE'`;

/** A user's tasks of all three kinds in [from, to), at most `lim`, in (time, kind, id) order. */
const tasksIn = (from: string, to: string, lim: string) => `
  SELECT * FROM (
    (SELECT 'Assignment' AS typename, 'ASSIGNMENT' AS kind, 0 AS k, id, title, "dueAt" AS at, "completedAt", "courseId"
      FROM "Assignment" WHERE "userId" = u.id AND "deletedAt" IS NULL AND "dueAt" >= ${from} AND "dueAt" < ${to}
      ORDER BY "dueAt", id LIMIT ${lim})
    UNION ALL
    (SELECT 'Lecture', 'LECTURE', 1, id, title, "startsAt", NULL, "courseId" FROM "Lecture"
      WHERE "userId" = u.id AND "deletedAt" IS NULL AND "startsAt" >= ${from} AND "startsAt" < ${to}
      ORDER BY "startsAt", id LIMIT ${lim})
    UNION ALL
    (SELECT 'StudySession', 'STUDY_SESSION', 2, id, title, "startsAt", NULL, "courseId" FROM "StudySession"
      WHERE "userId" = u.id AND "deletedAt" IS NULL AND "startsAt" >= ${from} AND "startsAt" < ${to}
      ORDER BY "startsAt", id LIMIT ${lim})
  ) t ORDER BY at, k, id LIMIT ${lim}`;

const status = (completedAt: string, dueAt: string, now: string) =>
  `CASE WHEN ${completedAt} IS NOT NULL THEN 'COMPLETED' WHEN ${dueAt} < ${now} THEN 'OVERDUE' ELSE 'UPCOMING' END`;
/** The example app's AssignmentRow fragment, __typename included. */
const assignmentRow = (a: string, now: string) =>
  `json_build_object('__typename', 'Assignment', 'completedAt', ${iso(`${a}."completedAt"`)}, 'dueAt', ${iso(`${a}."dueAt"`)},
     'id', ${gid('Assignment', `${a}.id`)}, 'priority', ${a}.priority,
     'status', ${status(`${a}."completedAt"`, `${a}."dueAt"`, now)}, 'title', ${a}.title)`;
/** A task of tasksIn with its course (c); with `now`, an assignment's dueAt and status too (WeekAgenda). */
const taskJson = (t: string, now?: string) => {
  const fields = (extra = '') =>
    `json_build_object('__typename', ${t}.typename,
       'course', json_build_object('__typename', 'Course', 'id', ${gid('Course', 'c.id')}, 'name', c.name),
       'id', encode(convert_to(${t}.typename || ':' || ${t}.id, 'UTF8'), 'base64'), 'kind', ${t}.kind,
       'scheduledAt', ${iso(`${t}.at`)}, 'title', ${t}.title${extra})`;
  if (!now) return fields();
  const assignment = `, 'dueAt', ${iso(`${t}.at`)}, 'status', ${status(`${t}."completedAt"`, `${t}.at`, now)}`;
  return `CASE WHEN ${t}.k = 0 THEN ${fields(assignment)} ELSE ${fields()} END`;
};
const count = (table: string, where: string) =>
  `(SELECT count(*) FROM "${table}" WHERE ${where} AND "deletedAt" IS NULL)`;
const unread = count('Notification', `"userId" = u.id AND channel = 'IN_APP' AND "readAt" IS NULL`);
/** A connection without pageInfo: an edge for each row of `from` in `order`, its node `node`. */
const edges = (connection: string, from: string, node: string, order: string) =>
  `json_build_object('__typename', '${connection}', 'edges', coalesce((
     SELECT json_agg(json_build_object('__typename', '${connection}Edge', 'node', ${node}) ORDER BY ${order})
       FROM ${from}), '[]'))`;

/** HomeScreen. $1 user, $2 now (ISO), $3 upcoming. Today is the user's calendar day in their time zone. */
const HOME_SCREEN = `
SELECT json_build_object('__typename', 'Query', 'me', json_build_object(
  '__typename', 'User', 'id', ${gid('User', 'u.id')}, 'name', btrim(u."firstName" || ' ' || u."lastName"),
  'overdueCount', ${count('Assignment', `"userId" = u.id AND "completedAt" IS NULL AND "dueAt" < $2::timestamp`)},
  'todayAgenda', coalesce((
    SELECT json_agg(${taskJson('t')} ORDER BY t.at, t.k, t.id)
      FROM (${tasksIn('d.f', 'd.t', '100')}) t JOIN "Course" c ON c.id = t."courseId"), '[]'),
  'unreadCount', ${unread},
  'upcomingAssignments', coalesce((
    SELECT json_agg(${assignmentRow('a', '$2::timestamp')} ORDER BY a."dueAt", a.id)
      FROM (SELECT * FROM "Assignment"
             WHERE "userId" = u.id AND "deletedAt" IS NULL AND "completedAt" IS NULL AND "dueAt" >= $2::timestamp
             ORDER BY "dueAt", id LIMIT $3) a), '[]')
))::text AS data
FROM "User" u,
  LATERAL (SELECT date_trunc('day', ($2::timestamp AT TIME ZONE 'UTC') AT TIME ZONE u.timezone) AS midnight) m,
  LATERAL (SELECT m.midnight AT TIME ZONE u.timezone AT TIME ZONE 'UTC' AS f,
                  (m.midnight + interval '1 day') AT TIME ZONE u.timezone AT TIME ZONE 'UTC' AS t) d
WHERE ${LIVE}`;

/** CoursePage. $1 user, $2 course id, $3 first, $4 now. */
const COURSE_PAGE = `
SELECT json_build_object('__typename', 'Query', 'course', json_build_object('__typename', 'Course',
  'assignments', ${edges(
    'CourseAssignmentsConnection',
    `(SELECT * FROM "Assignment" WHERE "courseId" = c.id AND "deletedAt" IS NULL ORDER BY "dueAt", id LIMIT $3) a`,
    assignmentRow('a', '$4::timestamp'),
    'a."dueAt", a.id',
  )},
  'code', c.code, 'id', ${gid('Course', 'c.id')}, 'instructor', c.instructor, 'name', c.name, 'term', c.term
))::text AS data
FROM "Course" c
WHERE c.id = $2::uuid AND c."deletedAt" IS NULL AND c."userId" = (SELECT u.id FROM "User" u WHERE ${LIVE})`;

/** WeekAgenda. $1 user, $2 from, $3 first, $4 to, $5 now. */
const WEEK_AGENDA = `
SELECT json_build_object('__typename', 'Query', 'agenda', ${edges(
  'QueryAgendaConnection',
  `(${tasksIn('$2::timestamp', '$4::timestamp', '$3')}) t JOIN "Course" c ON c.id = t."courseId"`,
  taskJson('t', '$5::timestamp'),
  't.at, t.k, t.id',
)})::text AS data
FROM "User" u WHERE ${LIVE}`;

/** Notifications. $1 user, $2 first: the in-app ones, newest first. */
const NOTIFICATIONS = `
SELECT json_build_object('__typename', 'Query', 'me', json_build_object('__typename', 'User', 'id', ${gid('User', 'u.id')},
  'notifications', ${edges(
    'UserNotificationsConnection',
    `(SELECT * FROM "Notification" WHERE "userId" = u.id AND channel = 'IN_APP' AND "deletedAt" IS NULL
       ORDER BY "createdAt" DESC, id DESC LIMIT $2) n`,
    `json_build_object('__typename', 'Notification', 'body', n.body, 'createdAt', ${iso('n."createdAt"')},
       'id', ${gid('Notification', 'n.id')}, 'kind', n.kind, 'read', n."readAt" IS NOT NULL, 'title', n.title)`,
    'n."createdAt" DESC, n.id DESC',
  )},
  'unreadCount', ${unread}
))::text AS data
FROM "User" u WHERE ${LIVE}`;

/** A Pothos prisma connection page: rows p (first + 1 of them, numbered rn), totalCount from `count`. */
const page = (rows: string, node: string, count: string, join = '') => `(
  SELECT json_build_object(
    'totalCount', (${count}),
    'edges', coalesce(json_agg(json_build_object('node', ${node}) ORDER BY p.rn) FILTER (WHERE p.rn <= $3), '[]'),
    'pageInfo', json_build_object('hasNextPage', count(*) > $3,
                                  'endCursor', (array_agg(${pcursor('p.id')} ORDER BY p.rn) FILTER (WHERE p.rn <= $3))[least(count(*), $3)::int]))
    FROM (SELECT x.*, row_number() OVER () AS rn FROM (${rows}) x) p ${join})`;

/** Overdue (hand-written: totalCount and pageInfo). $1 user, $2 now, $3 first. */
const OVERDUE = `
SELECT json_build_object('assignments', ${page(
  `SELECT * FROM "Assignment" WHERE "userId" = u.id AND "deletedAt" IS NULL AND "completedAt" IS NULL AND "dueAt" < $2::timestamp
    ORDER BY "dueAt", id LIMIT $3 + 1`,
  `json_build_object('id', ${gid('Assignment', 'p.id')}, 'title', p.title, 'dueAt', ${iso('p."dueAt"')},
     'course', json_build_object('name', pc.name))`,
  `SELECT count(*) FROM "Assignment" WHERE "userId" = u.id AND "deletedAt" IS NULL AND "completedAt" IS NULL AND "dueAt" < $2::timestamp`,
  `JOIN "Course" pc ON pc.id = p."courseId"`,
)})::text AS data
FROM "User" u WHERE ${LIVE}`;

// ---- The mutations, with ours's checks: the row is the live, active user's own and live (or, to
// restore, deleted), and its OutboxEvent row is written in the same transaction. $1 user, $2 the row
// (a course or an assignment), $3 now, $4 the event's id. Each is one statement, its own transaction:
// a row lock taken inside it (FOR SHARE, or the UPDATE's) re-reads a row a concurrent transaction
// changed, as ours's lockOwned does. ----

const owned = (a: string) =>
  `${a}.id = $2::uuid AND ${a}."userId" = $1::uuid AND EXISTS (SELECT FROM "User" u WHERE ${LIVE})`;
const event = (type: EventType, from: string, aggregate: string, payload: string) =>
  `e AS (INSERT INTO "OutboxEvent" (id, type, version, "userId", "aggregateId", payload, "occurredAt", "updatedAt")
     SELECT $4::uuid, '${type}', ${EVENT_VERSIONS[type]}, $1::uuid, ${aggregate}, json_build_object(${payload}), $3::timestamp, $3::timestamp
       FROM ${from})`;
const taskPayload = (a: string) =>
  `'userId', ${a}."userId", 'courseId', ${a}."courseId", 'taskId', ${a}.id, 'kind', 'ASSIGNMENT'`;
const mutationJson = (field: string, fields: string) =>
  `json_build_object('${field}', json_build_object(${fields}))::text AS data`;
const assignmentJson = (field: string, a: string, time: 'dueAt' | 'completedAt', title = `'title', ${a}.title, `) =>
  mutationJson(
    field,
    `'id', ${gid('Assignment', `${a}.id`)}, ${title}'${time}', ${iso(`${a}."${time}"`)},
     'status', ${status(`${a}."completedAt"`, `${a}."dueAt"`, '$3::timestamp')}`,
  );

/** Create. $5 the new id, $6 title, $7 description, $8 dueAt, $9 priority, $10 estimatedMinutes. */
const CREATE = `
WITH c AS (SELECT c.id FROM "Course" c WHERE ${owned('c')} AND c."deletedAt" IS NULL FOR SHARE OF c),
  a AS (INSERT INTO "Assignment" (id, "userId", "courseId", title, description, "dueAt", priority, "estimatedMinutes", "createdAt", "updatedAt")
    SELECT $5::uuid, $1::uuid, c.id, $6, $7, $8::timestamp, coalesce($9::"Priority", 'MEDIUM'), $10::int, $3::timestamp, $3::timestamp FROM c
    RETURNING *),
  ${event('assignment.created', 'a', 'a.id', taskPayload('a'))}
SELECT ${assignmentJson('createAssignment', 'a', 'dueAt')} FROM a`;

/** Complete: an assignment already completed is answered unchanged, with no event. */
const COMPLETE = `
WITH d AS (UPDATE "Assignment" a SET "completedAt" = $3::timestamp, "updatedAt" = $3::timestamp
    WHERE ${owned('a')} AND a."deletedAt" IS NULL AND a."completedAt" IS NULL RETURNING a.*),
  f AS (SELECT a.* FROM "Assignment" a WHERE ${owned('a')} AND a."deletedAt" IS NULL AND NOT EXISTS (SELECT FROM d)
    FOR SHARE OF a),
  ${event('assignment.completed', 'd', 'd.id', taskPayload('d'))}
SELECT ${assignmentJson('completeAssignment', 'r', 'completedAt', '')} FROM (SELECT * FROM d UNION ALL SELECT * FROM f) r`;

/**
 * DeleteCourse: the course is locked first, in a statement of its own, so that the cascade's
 * snapshot, taken after the lock, sees an assignment a concurrent create (FOR SHARE) committed. $5
 * the deletionId of the course and its live tasks.
 */
const LOCK_COURSE = `SELECT FROM "Course" c WHERE ${owned('c')} AND c."deletedAt" IS NULL FOR UPDATE OF c`;
/** CTE `alias`: the rows of `table` matching `where` deleted (`deleted`: deletedAt, deletionId), or brought back. */
const setDeleted = (alias: string, table: string, where: string, deleted = ['NULL', 'NULL']) =>
  `${alias} AS (UPDATE "${table}" SET "deletedAt" = ${deleted[0]}, "deletionId" = ${deleted[1]},
     "updatedAt" = $3::timestamp WHERE ${where} RETURNING 1)`;
/** The same for the course's tasks: CTEs a, l and s. */
const tasks = (where: string, deleted?: string[]) =>
  Object.entries({ a: 'Assignment', l: 'Lecture', s: 'StudySession' })
    .map(([alias, table]) => setDeleted(alias, table, `"courseId" = $2::uuid AND ${where}`, deleted))
    .join(', ');
const COUNTS = `'assignments', (SELECT count(*) FROM a), 'lectures', (SELECT count(*) FROM l), 'studySessions', (SELECT count(*) FROM s)`;
/** course.deleted or course.restored, with the counts of the CTEs a, l and s. */
const courseEvent = (type: EventType, deletionId: string) =>
  event(type, 'c', '$2::uuid', `'userId', $1::uuid, 'courseId', $2::uuid, 'deletionId', ${deletionId}, ${COUNTS}`);
const DELETION = ['$3::timestamp', '$5::uuid'];
const DELETE_COURSE = `
WITH ${setDeleted('c', 'Course', 'id = $2::uuid', DELETION)}, ${tasks('"deletedAt" IS NULL', DELETION)},
  ${courseEvent('course.deleted', '$5::uuid')}
SELECT ${mutationJson('deleteCourse', `'deletedId', ${gid('Course', '$2::uuid::text')}, 'deletionId', $5::uuid`)} FROM c`;

/** RestoreCourse: exactly the rows of its deletion come back; a live course is answered unchanged, with no event. */
const RESTORE_COURSE = `
WITH k AS (SELECT c.id, c.name, c."deletionId" FROM "Course" c WHERE ${owned('c')} FOR UPDATE OF c),
  ${setDeleted('c', 'Course', 'id = $2::uuid AND "deletedAt" IS NOT NULL AND EXISTS (SELECT FROM k)')},
  ${tasks('"deletionId" = (SELECT "deletionId" FROM k) AND EXISTS (SELECT FROM c)')},
  ${courseEvent('course.restored', `coalesce((SELECT "deletionId" FROM k)::text, '')`)}
SELECT ${mutationJson('restoreCourse', `'id', ${gid('Course', 'k.id')}, 'name', k.name`)} FROM k`;

type Vars = Record<string, unknown>;
type Operation = { sql: string; params: (userId: string, v: Vars) => unknown[]; lock?: string };
const now = () => new Date().toISOString();
/** The uuid of global id `id` of `type`; else a uuid no row has (ours answers NOT_FOUND for it too). */
const localId = (type: string, id: unknown) => {
  const [t, local] = Buffer.from(String(id), 'base64').toString('utf8').split(':');
  return t === type && local && /^[0-9a-f-]{36}$/i.test(local) ? local : '00000000-0000-0000-0000-000000000000';
};
/** The mutations' first four parameters: user, row, now, event id. */
const row = (u: string, type: string, id: unknown) => [u, localId(type, id), now(), uuid7()];
function createParams(u: string, v: Vars): unknown[] {
  const input = v.input as Omit<AssignmentFields, 'dueAt'> & { courseId?: string; dueAt?: string };
  const f = checkAssignmentFields({ ...input, dueAt: input.dueAt === undefined ? undefined : new Date(input.dueAt) });
  if (f.title === undefined || f.dueAt === undefined) throw new ValidationError('title and dueAt are required.');
  const rest = [f.title, f.description, f.dueAt.toISOString(), f.priority, f.estimatedMinutes].map((x) => x ?? null);
  return [...row(u, 'Course', input.courseId), uuid7(), ...rest];
}
const operations: Record<string, Operation> = {
  HomeScreen: { sql: HOME_SCREEN, params: (u, v) => [u, now(), v.upcoming] },
  CoursePage: { sql: COURSE_PAGE, params: (u, v) => [u, localId('Course', v.id), v.first, now()] },
  WeekAgenda: { sql: WEEK_AGENDA, params: (u, v) => [u, v.from, v.first, v.to, now()] },
  Notifications: { sql: NOTIFICATIONS, params: (u, v) => [u, v.first] },
  Overdue: { sql: OVERDUE, params: (u, v) => [u, now(), v.first] },
  Create: { sql: CREATE, params: createParams },
  Complete: { sql: COMPLETE, params: (u, v) => row(u, 'Assignment', v.id) },
  DeleteCourse: { sql: DELETE_COURSE, lock: LOCK_COURSE, params: (u, v) => [...row(u, 'Course', v.id), uuid7()] },
  RestoreCourse: { sql: RESTORE_COURSE, params: (u, v) => row(u, 'Course', v.id) },
};

/**
 * A named (prepared) statement: parsed and planned once per connection, as a tuned hand-written
 * server would do it. With a lock: BEGIN, the lock on $1 and $2 (nothing locked: NOT_FOUND), the
 * statement, COMMIT.
 */
async function answer(name: string, op: Operation, values: unknown[]): Promise<string | undefined> {
  if (!op.lock) return (await pool.query<{ data: string }>({ name, text: op.sql, values })).rows[0]?.data;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const locked = await client.query({ name: `${name}Lock`, text: op.lock, values: values.slice(0, 2) });
    const data = locked.rowCount
      ? (await client.query<{ data: string }>({ name, text: op.sql, values })).rows[0]
      : null;
    await client.query(data ? 'COMMIT' : 'ROLLBACK');
    return data?.data;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

const json = (res: ServerResponse, status: number, body: string) =>
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(body);
const error = (code: string, message: string) =>
  JSON.stringify({ errors: [{ message, extensions: { code } }], data: null });

const server = createServer((req, res) => {
  if (req.url === '/health') return json(res, 200, '{"ok":true}');
  if (req.method !== 'POST' || req.url !== '/graphql') return json(res, 404, error('NOT_FOUND', 'Not found'));
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    void (async () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { operationName?: string; variables?: Vars };
        const op = operations[body.operationName ?? ''];
        if (!op) return json(res, 400, error('BAD_REQUEST', `Unknown operation ${body.operationName}`));
        const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
        const userId = match ? await tokens.verify(match[1]!) : null;
        if (!userId) return json(res, 200, error('UNAUTHENTICATED', 'Not signed in.'));
        const data = await answer(body.operationName!, op, op.params(userId, body.variables ?? {}));
        json(res, 200, data ? `{"data":${data}}` : error('NOT_FOUND', 'Not found.'));
      } catch (err) {
        if (err instanceof AppError) return json(res, 200, error(err.code, err.message));
        console.error(err);
        json(res, 500, error('INTERNAL_SERVER_ERROR', 'Unexpected error.'));
      }
    })();
  });
});

const port = Number(env.PORT ?? 4002);
server.listen(port, '127.0.0.1', () => console.log(`raw server listening on ${port}`));
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    server.close();
    void pool.end().finally(() => process.exit(0));
  });
}

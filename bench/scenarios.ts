import { createHash } from 'node:crypto';
import { exampleQueries } from '../examples/app/src/queries.js';
import { dayBounds } from '../src/resolvers/agenda/day-bounds.js';
import { uuid7 } from './common.js';
import type { Prng } from './prng.js';
import { CREATED_PREFIX, type Student } from './seed.js';

/**
 * The scenarios: real GraphQL operations, as a client app sends them, each with a random signed-in
 * student per request. The reads are the example app's own query documents as its codegen sends
 * them, `__typename` everywhere (examples/app/src/queries.ts, the documents the parity suite
 * checks too), and one hand-written list (overdue). `ours` and `raw` receive the same request
 * (the raw server dispatches on operationName); `peer` receives the closest PostGraphile 5
 * operation, reading the same rows.
 */

/**
 * `ours`: the generic path (PLANNED_EXECUTION=off), sent the text; `planned`: ours, sent the
 * published document id; `text`: ours with planning on, sent the same text (planned too, from its
 * plan cache). docs/planned-execution.md.
 */
export type TargetName = 'ours' | 'planned' | 'text' | 'raw' | 'peer';
/** The targets that are our server. */
export const isOurs = (target: TargetName) => target === 'ours' || target === 'planned' || target === 'text';
export type ReadScenario = 'dashboard' | 'coursePage' | 'agenda' | 'notifications' | 'overdue' | 'changes';
export type ScenarioName = ReadScenario | 'mutations' | 'createComplete';

/** A student of the data set with a pre-minted token. */
export type FixtureStudent = Student & { token: string };

/** What the runner hands the load generator (as a JSON file). */
export interface Fixtures {
  students: FixtureStudent[];
  /** The agenda scenario's window: today 00:00 UTC and seven days later. */
  week: { from: string; to: string };
}

const ALL: TargetName[] = ['ours', 'planned', 'text', 'raw', 'peer'];
const read = (title: string, pageSize: number) => ({ title, read: true, pageSize, targets: ALL });
/** A write runs where its mutations are: the peer has no soft-delete cascade, and only reads are planned. */
const write = (title: string, targets: TargetName[]) => ({ title, read: false, pageSize: 0, targets });
export const SCENARIOS: Record<ScenarioName, ReturnType<typeof read>> = {
  dashboard: read('HomeScreen: name, unread and overdue counts, today, next 20 upcoming (example app)', 20),
  coursePage: read('CoursePage: a course and its first 20 assignments (example app)', 20),
  agenda: read('WeekAgenda: a week, all three kinds, first 50 (example app)', 50),
  notifications: read('Notifications: first 20 + unreadCount (example app)', 20),
  overdue: read('overdue assignments, first 20 + totalCount (hand-written)', 20),
  // Ours only: the limit and the peer have no change log (and `changes` runs on the generic path).
  changes: {
    ...read('changes(since:) from the start of a student’s ~1,050 changes, first 100 (docs/sync.md)', 100),
    targets: ['ours', 'text'],
  },
  mutations: write('mutation mix: create, complete, delete + restore course', ['ours', 'raw']),
  createComplete: write("create and complete an assignment (the peer's mutations)", ['ours', 'raw', 'peer']),
};
export const READ_SCENARIOS: ReadScenario[] = ['dashboard', 'coursePage', 'agenda', 'notifications', 'overdue'];
/** Reads only our server has (no parity check against the limit or the peer, no unindexed run). */
export const OURS_ONLY_READS: ReadScenario[] = ['changes'];

export const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');

/**
 * The overdue list has no screen in the example app; kept because it is the one read whose root
 * is a filtered list with its count (`assignments(filter: { status })`), the other read of the
 * indexes target. The parity suite checks it too.
 */
export const OVERDUE_DOCUMENT = `query Overdue($first: Int!) {
  assignments(first: $first, filter: { status: OVERDUE }) {
    totalCount edges { node { id title dueAt course { name } } } pageInfo { hasNextPage endCursor }
  }
}`;

type ReadDocument = { text: string; id: string; operationName: string };
let docs: Record<ReadScenario, ReadDocument> | undefined;
/**
 * Each read's document: its text, the id it is published under, and its operation name. Read on
 * first use, after the runner has run the example app's codegen (which writes its manifest).
 */
function readDocuments(): Record<ReadScenario, ReadDocument> {
  if (docs) return docs;
  const app = new Map(exampleQueries().map((q) => [q.name, { text: q.sent, id: q.id, operationName: q.name }]));
  const of = (name: string) => {
    const doc = app.get(name);
    if (!doc) throw new Error(`examples/app has no query ${name} (npm run example:codegen writes its manifest)`);
    return doc;
  };
  const overdueId = `sha256:${createHash('sha256').update(OVERDUE_DOCUMENT).digest('hex')}`;
  return (docs = {
    dashboard: of('HomeScreen'),
    coursePage: of('CoursePage'),
    agenda: of('WeekAgenda'),
    notifications: of('Notifications'),
    overdue: { text: OVERDUE_DOCUMENT, id: overdueId, operationName: 'Overdue' },
    changes: {
      text: CHANGES_DOCUMENT,
      id: `sha256:${createHash('sha256').update(CHANGES_DOCUMENT).digest('hex')}`,
      operationName: 'Changes',
    },
  });
}

/** The read documents as an app publishes them (id → text), for the `planned` target. */
export function readDocumentsManifest(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(readDocuments())
      .filter(([scenario]) => SCENARIOS[scenario as ReadScenario].targets.includes('planned'))
      .map(([, d]) => [d.id, d.text]),
  );
}

/** A delta sync page as an app sends it: entries with their current rows or tombstones (docs/sync.md). */
export const CHANGES_DOCUMENT = `query Changes($since: SyncCursor, $first: Int) {
  changes(since: $since, first: $first) {
    cursor hasMore caughtUp
    changes {
      id kind operation deleted deletedAt deletionId
      node {
        __typename
        ... on Course { id name code color updatedAt }
        ... on Assignment { id title dueAt completedAt priority updatedAt }
        ... on Lecture { id title startsAt endsAt location updatedAt }
        ... on StudySession { id title startsAt endsAt updatedAt }
      }
    }
  }
}`;
/** The cursor at the start of the log (what the seed wrote, seedChangeLog): a page of a student's whole history. */
const LOG_START = Buffer.from('sync1:L:0:0').toString('base64url');

const live = 'deletedAt: null';
const inbox = `userId: $u, channel: IN_APP, ${live}`;
/** A user's live rows of one task kind in [from, to), in time order. */
const during = (table: string, column: string, from: string, to: string, first: string, nodes: string) =>
  `all${table}(condition: { userId: $u, ${live}, ${column}Gte: ${from}, ${column}Lt: ${to} },
    orderBy: [${column === 'dueAt' ? 'DUE_AT' : 'STARTS_AT'}_ASC, PRIMARY_KEY_ASC], first: ${first}) { nodes { ${nodes} } }`;
const taskNodes = (time: string, extra = '') => `rowId title ${time} ${extra} courseByCourseId { rowId name }`;
const ROW = 'rowId title dueAt completedAt priority';
/** The peer reads the same rows: the three task kinds as three lists, the user id in the variables. */
const PEER_DOCS: Record<Exclude<ReadScenario, 'changes'>, string> = {
  dashboard: `query HomeScreen($u: UUID!, $now: String!, $dayFrom: String!, $dayTo: String!, $first: Int!) {
  userByRowId(rowId: $u) { rowId firstName lastName }
  unread: allNotifications(condition: { ${inbox}, readAt: null }) { totalCount }
  upcoming: allAssignments(condition: { userId: $u, ${live}, completedAt: null, dueAtGte: $now },
                           orderBy: [DUE_AT_ASC, PRIMARY_KEY_ASC], first: $first) { nodes { ${ROW} } }
  overdue: allAssignments(condition: { userId: $u, ${live}, completedAt: null, dueAtLt: $now }) { totalCount }
  todayAssignments: ${during('Assignments', 'dueAt', '$dayFrom', '$dayTo', '100', taskNodes('dueAt'))}
  todayLectures: ${during('Lectures', 'startsAt', '$dayFrom', '$dayTo', '100', taskNodes('startsAt'))}
  todaySessions: ${during('StudySessions', 'startsAt', '$dayFrom', '$dayTo', '100', taskNodes('startsAt'))}
}`,
  coursePage: `query CoursePage($u: UUID!, $course: UUID!, $first: Int!) {
  allCourses(condition: { rowId: $course, userId: $u, ${live} }, first: 1) {
    nodes {
      rowId name code instructor term
      assignmentsByCourseId(condition: { ${live} }, orderBy: [DUE_AT_ASC, PRIMARY_KEY_ASC], first: $first) { nodes { ${ROW} } }
    }
  }
}`,
  agenda: `query WeekAgenda($u: UUID!, $from: String!, $to: String!, $first: Int!) {
  assignments: ${during('Assignments', 'dueAt', '$from', '$to', '$first', taskNodes('dueAt', 'completedAt'))}
  lectures: ${during('Lectures', 'startsAt', '$from', '$to', '$first', taskNodes('startsAt'))}
  sessions: ${during('StudySessions', 'startsAt', '$from', '$to', '$first', taskNodes('startsAt'))}
}`,
  notifications: `query Notifications($u: UUID!, $first: Int!) {
  unread: allNotifications(condition: { ${inbox}, readAt: null }) { totalCount }
  allNotifications(condition: { ${inbox} }, orderBy: [CREATED_AT_DESC, PRIMARY_KEY_DESC], first: $first) {
    nodes { rowId kind title body readAt createdAt }
  }
}`,
  overdue: `query Overdue($u: UUID!, $now: String!, $first: Int!) {
  allAssignments(condition: { userId: $u, ${live}, completedAt: null, dueAtLt: $now },
                 orderBy: [DUE_AT_ASC, PRIMARY_KEY_ASC], first: $first) {
    totalCount nodes { rowId title dueAt courseByCourseId { name } } pageInfo { hasNextPage endCursor }
  }
}`,
};

export type BuiltRequest = { body: string; token: string };

/** One read request for a random student (and, for the course page, one of their live courses). */
export function readRequest(
  scenario: ReadScenario,
  target: TargetName,
  fx: Fixtures,
  rng: Prng,
  pageSize = SCENARIOS[scenario].pageSize,
): BuiltRequest {
  let student = rng.pick(fx.students);
  if (scenario === 'coursePage') while (student.courses.length === 0) student = rng.pick(fx.students);
  const course = scenario === 'coursePage' ? rng.pick(student.courses) : null;
  const { text, id, operationName } = readDocuments()[scenario];
  let variables: Record<string, unknown>;
  if (target === 'peer') {
    const now = new Date();
    const base = { u: student.id, first: pageSize };
    if (scenario === 'dashboard') {
      const day = dayBounds(now, student.timezone);
      variables = { ...base, now: now.toISOString(), dayFrom: day.from.toISOString(), dayTo: day.to.toISOString() };
    } else if (scenario === 'coursePage') variables = { ...base, course };
    else if (scenario === 'agenda') variables = { ...base, ...fx.week };
    else if (scenario === 'overdue') variables = { ...base, now: now.toISOString() };
    else variables = base;
    if (scenario === 'changes') throw new Error('the peer has no changes scenario');
    return { token: student.token, body: JSON.stringify({ query: PEER_DOCS[scenario], variables, operationName }) };
  }
  // What the example app sends: HomeScreen's `upcoming`, CoursePage's `id` and `first`, WeekAgenda's window.
  if (scenario === 'dashboard') variables = { upcoming: pageSize };
  else if (scenario === 'coursePage') variables = { id: globalId('Course', course!), first: pageSize };
  else if (scenario === 'agenda') variables = { ...fx.week, first: pageSize };
  else if (scenario === 'changes') variables = { since: LOG_START, first: pageSize };
  else variables = { first: pageSize };
  const document = target === 'planned' ? { documentId: id } : { query: text };
  return { token: student.token, body: JSON.stringify({ ...document, variables, operationName }) };
}

const MUTATIONS = {
  Create: `mutation Create($input: CreateAssignmentInput!) { createAssignment(input: $input) { id title dueAt status } }`,
  Complete: `mutation Complete($id: ID!) { completeAssignment(id: $id) { id completedAt status } }`,
  DeleteCourse: `mutation DeleteCourse($id: ID!) { deleteCourse(id: $id) { deletedId deletionId } }`,
  RestoreCourse: `mutation RestoreCourse($id: ID!) { restoreCourse(id: $id) { id name } }`,
};
/** PostGraphile's create and update-by-key mutations on the same table: no ownership check, no outbox row. */
const PEER_MUTATIONS = {
  Create: `mutation Create($input: CreateAssignmentInput!) { createAssignment(input: $input) { assignment { rowId title dueAt } } }`,
  Complete: `mutation Complete($id: UUID!, $now: Datetime!) {
  updateAssignmentByRowId(input: { rowId: $id, assignmentPatch: { completedAt: $now, updatedAt: $now } }) { assignment { rowId completedAt } }
}`,
};

export interface MutationStep {
  /** The request for this step, given the state of this connection's current cycle. */
  build(ctx: MutationCycle): BuiltRequest;
  /** Reads what later steps need from the response. */
  after?(ctx: MutationCycle, body: string): void;
}

/** A connection's state in its current cycle: the student, their course, the assignment created. */
export type MutationCycle = { student?: FixtureStudent; course?: string; created?: string };

/**
 * A write scenario, one cycle per connection at a time: create an assignment in one of the
 * student's courses, complete it, and in the mix delete a course (cascading to its tasks) and
 * restore it. A cycle takes a student no other connection is using, so concurrent cycles never
 * collide. The peer gets its own documents, with the ids it needs (its create takes the row id).
 */
export function mutationSteps(fx: Fixtures, rng: Prng, target: TargetName, scenario: ScenarioName): MutationStep[] {
  const busy = new Set<string>();
  const peer = target === 'peer';
  const gql = (operationName: keyof typeof MUTATIONS, variables: object, ctx: MutationCycle): BuiltRequest => {
    const query = (peer && PEER_MUTATIONS[operationName as 'Create']) || MUTATIONS[operationName];
    return { token: ctx.student!.token, body: JSON.stringify({ query, variables, operationName }) };
  };
  const course = (ctx: MutationCycle) => ({ id: globalId('Course', ctx.course!) });
  let counter = 0;
  const steps: MutationStep[] = [
    {
      build(ctx) {
        let student = rng.pick(fx.students);
        for (let i = 0; (busy.has(student.id) || student.courses.length === 0) && i < 1000; i++) {
          student = rng.pick(fx.students);
        }
        busy.add(student.id);
        ctx.student = student;
        ctx.course = rng.pick(student.courses);
        // Whole hours from today 00:00 UTC: the same cycle on two servers creates the same row.
        const dueAt = new Date(Date.parse(fx.week.from) + rng.int(24, 14 * 24) * 3_600_000).toISOString();
        const fields = { title: `${CREATED_PREFIX}${++counter}`, dueAt, priority: 'HIGH', estimatedMinutes: 90 };
        if (!peer) return gql('Create', { input: { courseId: globalId('Course', ctx.course), ...fields } }, ctx);
        ctx.created = uuid7();
        const row = { rowId: ctx.created, userId: student.id, courseId: ctx.course, updatedAt: new Date(), ...fields };
        return gql('Create', { input: { assignment: row } }, ctx);
      },
      after(ctx, body) {
        if (!peer) ctx.created = /"createAssignment" ?: ?\{"id" ?: ?"([^"]+)"/.exec(body)?.[1];
      },
    },
    {
      build: (ctx) => gql('Complete', { id: ctx.created ?? 'missing', ...(peer ? { now: new Date() } : {}) }, ctx),
    },
    { build: (ctx) => gql('DeleteCourse', course(ctx), ctx) },
    { build: (ctx) => gql('RestoreCourse', course(ctx), ctx) },
  ];
  steps.length = scenario === 'createComplete' ? 2 : 4;
  const last = steps.at(-1)!;
  const { after } = last;
  last.after = (ctx, body) => {
    after?.(ctx, body);
    if (ctx.student) busy.delete(ctx.student.id);
  };
  return steps;
}

// ---- parity: do the baselines answer with the same data? ----

const fromGlobalId = (id: string) => Buffer.from(id, 'base64').toString('utf8').split(':')[1] ?? id;
type Json = any;

/**
 * A target-independent summary of a response: the row ids in order and the counts. `ours` and
 * `raw` must match exactly (whole JSON); `peer` must match this summary.
 */
export function summarize(scenario: ReadScenario, target: TargetName, body: Json): Json {
  const d = body?.data;
  if (!d) return { error: body?.errors?.[0]?.message ?? 'no data' };
  if (target !== 'peer') {
    const ids = (list: Json[]) => list.map((x: Json) => fromGlobalId(x.id));
    const nodes = (conn: Json) => conn.edges.map((e: Json) => e.node);
    if (scenario === 'dashboard')
      return {
        user: fromGlobalId(d.me.id),
        unread: d.me.unreadCount,
        upcoming: ids(d.me.upcomingAssignments),
        overdue: d.me.overdueCount,
        today: ids(d.me.todayAgenda),
      };
    if (scenario === 'coursePage') return { course: fromGlobalId(d.course.id), ids: ids(nodes(d.course.assignments)) };
    if (scenario === 'agenda') return { ids: ids(nodes(d.agenda)) };
    if (scenario === 'notifications') return { unread: d.me.unreadCount, ids: ids(nodes(d.me.notifications)) };
    return { total: d.assignments.totalCount, ids: ids(nodes(d.assignments)) };
  }
  const rows = (conn: Json) => conn.nodes.map((n: Json) => n.rowId);
  // PostGraphile returns timestamps without a zone; they are UTC here.
  const at = (n: Json) => Date.parse(`${n.dueAt ?? n.startsAt}Z`);
  const merge = (lists: Json[][], limit: number) =>
    lists
      .flatMap((list, k) => list.map((n: Json) => ({ at: at(n), k, id: n.rowId as string })))
      .sort((a, b) => a.at - b.at || a.k - b.k || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, limit)
      .map((x) => x.id);
  if (scenario === 'dashboard')
    return {
      user: d.userByRowId.rowId,
      unread: d.unread.totalCount,
      upcoming: rows(d.upcoming),
      overdue: d.overdue.totalCount,
      today: merge([d.todayAssignments.nodes, d.todayLectures.nodes, d.todaySessions.nodes], 100),
    };
  if (scenario === 'coursePage') {
    const c = d.allCourses.nodes[0];
    return { course: c.rowId, ids: rows(c.assignmentsByCourseId) };
  }
  if (scenario === 'agenda')
    return { ids: merge([d.assignments.nodes, d.lectures.nodes, d.sessions.nodes], SCENARIOS.agenda.pageSize) };
  if (scenario === 'notifications') return { unread: d.unread.totalCount, ids: rows(d.allNotifications) };
  return { total: d.allAssignments.totalCount, ids: rows(d.allAssignments) };
}

import { createHash } from 'node:crypto';
import { dayBounds } from '../src/resolvers/agenda/day-bounds.js';
import type { Prng } from './prng.js';
import { CREATED_PREFIX } from './seed.js';

/**
 * The scenarios: real GraphQL operations, as a client app sends them, each with a random signed-in
 * student per request. `ours` and `raw` receive the same request (the raw server dispatches on
 * operationName); `peer` receives the closest PostGraphile 5 operation, reading the same rows.
 */

/** `planned`: ours, sent each read's published document id instead of its text (docs/planned-execution.md). */
export type TargetName = 'ours' | 'planned' | 'raw' | 'peer';
/** The targets that are our server. */
export const isOurs = (target: TargetName) => target === 'ours' || target === 'planned';
export type ReadScenario = 'dashboard' | 'coursePage' | 'agenda' | 'overdue';
/** Read scenarios run against ours only (no hand-written or PostGraphile counterpart yet). */
export type OursReadScenario = 'notifications';
export type ScenarioName = ReadScenario | OursReadScenario | 'mutations';

export interface FixtureStudent {
  id: string;
  timezone: string;
  courses: string[];
  token: string;
}

/** What the runner hands the load generator (as a JSON file). */
export interface Fixtures {
  students: FixtureStudent[];
  /** The agenda scenario's window: today 00:00 UTC and seven days later. */
  week: { from: string; to: string };
}

export const SCENARIOS: Record<ScenarioName, { title: string; read: boolean; peer: boolean; pageSize: number }> = {
  dashboard: { title: 'dashboard (next 20 upcoming + overdue count + today)', read: true, peer: true, pageSize: 20 },
  coursePage: { title: 'course page (course + 3 connections of 20)', read: true, peer: true, pageSize: 20 },
  agenda: { title: 'agenda: a week, all three kinds (first 50)', read: true, peer: true, pageSize: 50 },
  overdue: { title: 'overdue assignments (first 20 + totalCount)', read: true, peer: true, pageSize: 20 },
  notifications: {
    title: 'notification list (first 20 + totalCount + unreadCount + subjects)',
    read: true,
    peer: false,
    pageSize: 20,
  },
  mutations: {
    title: 'mutation mix: create, complete, delete + restore course',
    read: false,
    peer: false,
    pageSize: 0,
  },
};
export const READ_SCENARIOS: ReadScenario[] = ['dashboard', 'coursePage', 'agenda', 'overdue'];
export const OURS_READ_SCENARIOS: OursReadScenario[] = ['notifications'];

const NOTIFICATIONS_DOC = `query Notifications($first: Int!) {
  me {
    unreadCount
    notifications(first: $first) {
      totalCount
      edges { node { id kind title read createdAt subject { __typename ... on Assignment { title dueAt } ... on Lecture { title startsAt } ... on Course { name } } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

export const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');

const DOCS: Record<ReadScenario, string> = {
  dashboard: `query Dashboard($first: Int!) {
  me {
    upcomingAssignments(first: $first) { id title dueAt course { name } }
    overdueCount
    todayAgenda { __typename id title scheduledAt course { name } }
  }
}`,
  coursePage: `query CoursePage($id: ID!, $first: Int!) {
  course(id: $id) {
    id name code term
    assignments(first: $first) {
      totalCount edges { node { id title dueAt status } } pageInfo { hasNextPage endCursor }
    }
    lectures(first: $first) {
      totalCount edges { node { id title startsAt endsAt location } } pageInfo { hasNextPage endCursor }
    }
    studySessions(first: $first) {
      totalCount edges { node { id title startsAt actualMinutes assignment { title } } } pageInfo { hasNextPage endCursor }
    }
  }
}`,
  agenda: `query Agenda($from: DateTime!, $to: DateTime!, $first: Int!) {
  agenda(from: $from, to: $to, first: $first) {
    edges { node { __typename id title scheduledAt course { name } } }
    pageInfo { hasNextPage endCursor }
  }
}`,
  overdue: `query Overdue($first: Int!) {
  assignments(first: $first, filter: { status: OVERDUE }) {
    totalCount edges { node { id title dueAt course { name } } } pageInfo { hasNextPage endCursor }
  }
}`,
};

/** The read documents as an app publishes them (codegen's sha256 manifest), for the `planned` target. */
export const READ_DOCUMENTS_MANIFEST: Record<string, string> = Object.fromEntries(
  [...Object.values(DOCS), NOTIFICATIONS_DOC].map((doc) => [createHash('sha256').update(doc).digest('hex'), doc]),
);
const documentIdOf = (doc: string) => createHash('sha256').update(doc).digest('hex');

const live = 'deletedAt: null';
const PEER_DOCS: Record<ReadScenario, string> = {
  dashboard: `query Dashboard($u: UUID!, $now: String!, $dayFrom: String!, $dayTo: String!, $first: Int!) {
  upcoming: allAssignments(condition: { userId: $u, ${live}, completedAt: null, dueAtGte: $now },
                           orderBy: [DUE_AT_ASC, PRIMARY_KEY_ASC], first: $first) {
    nodes { rowId title dueAt courseByCourseId { name } }
  }
  overdue: allAssignments(condition: { userId: $u, ${live}, completedAt: null, dueAtLt: $now }) { totalCount }
  todayAssignments: allAssignments(condition: { userId: $u, ${live}, dueAtGte: $dayFrom, dueAtLt: $dayTo },
                                   orderBy: [DUE_AT_ASC, PRIMARY_KEY_ASC], first: 100) {
    nodes { rowId title dueAt courseByCourseId { name } }
  }
  todayLectures: allLectures(condition: { userId: $u, ${live}, startsAtGte: $dayFrom, startsAtLt: $dayTo },
                             orderBy: [STARTS_AT_ASC, PRIMARY_KEY_ASC], first: 100) {
    nodes { rowId title startsAt courseByCourseId { name } }
  }
  todaySessions: allStudySessions(condition: { userId: $u, ${live}, startsAtGte: $dayFrom, startsAtLt: $dayTo },
                                  orderBy: [STARTS_AT_ASC, PRIMARY_KEY_ASC], first: 100) {
    nodes { rowId title startsAt courseByCourseId { name } }
  }
}`,
  coursePage: `query CoursePage($u: UUID!, $course: UUID!, $first: Int!) {
  allCourses(condition: { rowId: $course, userId: $u, ${live} }, first: 1) {
    nodes {
      rowId name code term
      assignmentsByCourseId(condition: { ${live} }, orderBy: [DUE_AT_ASC, PRIMARY_KEY_ASC], first: $first) {
        totalCount nodes { rowId title dueAt completedAt } pageInfo { hasNextPage endCursor }
      }
      lecturesByCourseId(condition: { ${live} }, orderBy: [STARTS_AT_ASC, PRIMARY_KEY_ASC], first: $first) {
        totalCount nodes { rowId title startsAt endsAt location } pageInfo { hasNextPage endCursor }
      }
      studySessionsByCourseId(condition: { ${live} }, orderBy: [STARTS_AT_ASC, PRIMARY_KEY_ASC], first: $first) {
        totalCount nodes { rowId title startsAt actualMinutes assignmentByAssignmentId { title } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}`,
  agenda: `query Agenda($u: UUID!, $from: String!, $to: String!, $first: Int!) {
  assignments: allAssignments(condition: { userId: $u, ${live}, dueAtGte: $from, dueAtLt: $to },
                              orderBy: [DUE_AT_ASC, PRIMARY_KEY_ASC], first: $first) {
    nodes { rowId title dueAt courseByCourseId { name } } pageInfo { hasNextPage endCursor }
  }
  lectures: allLectures(condition: { userId: $u, ${live}, startsAtGte: $from, startsAtLt: $to },
                        orderBy: [STARTS_AT_ASC, PRIMARY_KEY_ASC], first: $first) {
    nodes { rowId title startsAt courseByCourseId { name } } pageInfo { hasNextPage endCursor }
  }
  sessions: allStudySessions(condition: { userId: $u, ${live}, startsAtGte: $from, startsAtLt: $to },
                             orderBy: [STARTS_AT_ASC, PRIMARY_KEY_ASC], first: $first) {
    nodes { rowId title startsAt courseByCourseId { name } } pageInfo { hasNextPage endCursor }
  }
}`,
  overdue: `query Overdue($u: UUID!, $now: String!, $first: Int!) {
  allAssignments(condition: { userId: $u, ${live}, completedAt: null, dueAtLt: $now },
                 orderBy: [DUE_AT_ASC, PRIMARY_KEY_ASC], first: $first) {
    totalCount nodes { rowId title dueAt courseByCourseId { name } } pageInfo { hasNextPage endCursor }
  }
}`,
};

const OP_NAMES: Record<ReadScenario, string> = {
  dashboard: 'Dashboard',
  coursePage: 'CoursePage',
  agenda: 'Agenda',
  overdue: 'Overdue',
};

export interface BuiltRequest {
  body: string;
  token: string;
}

/** One read request for a random student (and, for the course page, one of their live courses). */
export function readRequest(
  scenario: ReadScenario | OursReadScenario,
  target: TargetName,
  fx: Fixtures,
  rng: Prng,
  pageSize = SCENARIOS[scenario].pageSize,
): BuiltRequest {
  if (scenario === 'notifications') {
    if (!isOurs(target)) throw new Error('the notifications scenario runs against ours only');
    const student = rng.pick(fx.students);
    const document =
      target === 'planned' ? { documentId: documentIdOf(NOTIFICATIONS_DOC) } : { query: NOTIFICATIONS_DOC };
    const body = { ...document, variables: { first: pageSize }, operationName: 'Notifications' };
    return { token: student.token, body: JSON.stringify(body) };
  }
  let student = rng.pick(fx.students);
  if (scenario === 'coursePage') while (student.courses.length === 0) student = rng.pick(fx.students);
  const course = scenario === 'coursePage' ? rng.pick(student.courses) : null;
  const operationName = OP_NAMES[scenario];
  let variables: Record<string, unknown>;
  if (target === 'peer') {
    const now = new Date();
    const base = { u: student.id, first: pageSize };
    if (scenario === 'dashboard') {
      const day = dayBounds(now, student.timezone);
      variables = { ...base, now: now.toISOString(), dayFrom: day.from.toISOString(), dayTo: day.to.toISOString() };
    } else if (scenario === 'coursePage') variables = { ...base, course };
    else if (scenario === 'agenda') variables = { ...base, ...fx.week };
    else variables = { ...base, now: now.toISOString() };
    return { token: student.token, body: JSON.stringify({ query: PEER_DOCS[scenario], variables, operationName }) };
  }
  if (scenario === 'coursePage') variables = { id: globalId('Course', course!), first: pageSize };
  else if (scenario === 'agenda') variables = { ...fx.week, first: pageSize };
  else variables = { first: pageSize };
  const document = target === 'planned' ? { documentId: documentIdOf(DOCS[scenario]) } : { query: DOCS[scenario] };
  return { token: student.token, body: JSON.stringify({ ...document, variables, operationName }) };
}

const MUTATIONS = {
  create: `mutation Create($input: CreateAssignmentInput!) { createAssignment(input: $input) { id title dueAt status } }`,
  complete: `mutation Complete($id: ID!) { completeAssignment(id: $id) { id completedAt status } }`,
  deleteCourse: `mutation DeleteCourse($id: ID!) { deleteCourse(id: $id) { deletedId deletionId } }`,
  restoreCourse: `mutation RestoreCourse($id: ID!) { restoreCourse(id: $id) { id name } }`,
};

export interface MutationStep {
  name: keyof typeof MUTATIONS;
  /** The request for this step, given the state of this connection's current cycle. */
  build(ctx: MutationCycle): BuiltRequest;
  /** Reads what later steps need from the response. */
  after?(ctx: MutationCycle, body: string): void;
}

export interface MutationCycle {
  student?: FixtureStudent;
  course?: string;
  created?: string;
}

/**
 * The mutation mix, one cycle per connection at a time: create an assignment in one of the
 * student's courses, complete it, delete a course (cascading to its tasks), restore it. A cycle
 * takes a student no other connection is using, so concurrent cycles never collide.
 */
export function mutationSteps(fx: Fixtures, rng: Prng): MutationStep[] {
  const busy = new Set<string>();
  const gql = (query: string, variables: Record<string, unknown>, token: string): BuiltRequest => ({
    token,
    body: JSON.stringify({ query, variables }),
  });
  let counter = 0;
  return [
    {
      name: 'create',
      build(ctx) {
        let student = rng.pick(fx.students);
        for (let i = 0; (busy.has(student.id) || student.courses.length === 0) && i < 1000; i++) {
          student = rng.pick(fx.students);
        }
        busy.add(student.id);
        ctx.student = student;
        ctx.course = rng.pick(student.courses);
        const dueAt = new Date(Date.now() + rng.int(1, 14) * 86_400_000).toISOString();
        return gql(
          MUTATIONS.create,
          {
            input: {
              courseId: globalId('Course', ctx.course),
              title: `${CREATED_PREFIX}${++counter}`,
              dueAt,
              priority: 'HIGH',
              estimatedMinutes: 90,
            },
          },
          student.token,
        );
      },
      after(ctx, body) {
        ctx.created = /"createAssignment":\{"id":"([^"]+)"/.exec(body)?.[1];
      },
    },
    {
      name: 'complete',
      build: (ctx) => gql(MUTATIONS.complete, { id: ctx.created ?? 'missing' }, ctx.student!.token),
    },
    {
      name: 'deleteCourse',
      build: (ctx) => gql(MUTATIONS.deleteCourse, { id: globalId('Course', ctx.course!) }, ctx.student!.token),
    },
    {
      name: 'restoreCourse',
      build: (ctx) => gql(MUTATIONS.restoreCourse, { id: globalId('Course', ctx.course!) }, ctx.student!.token),
      after(ctx) {
        if (ctx.student) busy.delete(ctx.student.id);
      },
    },
  ];
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
    if (scenario === 'dashboard')
      return {
        upcoming: d.me.upcomingAssignments.map((a: Json) => fromGlobalId(a.id)),
        overdue: d.me.overdueCount,
        today: d.me.todayAgenda.map((t: Json) => fromGlobalId(t.id)),
      };
    if (scenario === 'coursePage') {
      const c = d.course;
      const ids = (conn: Json) => ({
        total: conn.totalCount,
        ids: conn.edges.map((e: Json) => fromGlobalId(e.node.id)),
      });
      return { assignments: ids(c.assignments), lectures: ids(c.lectures), studySessions: ids(c.studySessions) };
    }
    if (scenario === 'agenda') return { ids: d.agenda.edges.map((e: Json) => fromGlobalId(e.node.id)) };
    return { total: d.assignments.totalCount, ids: d.assignments.edges.map((e: Json) => fromGlobalId(e.node.id)) };
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
      upcoming: rows(d.upcoming),
      overdue: d.overdue.totalCount,
      today: merge([d.todayAssignments.nodes, d.todayLectures.nodes, d.todaySessions.nodes], 100),
    };
  if (scenario === 'coursePage') {
    const c = d.allCourses.nodes[0];
    const ids = (conn: Json) => ({ total: conn.totalCount, ids: rows(conn) });
    return {
      assignments: ids(c.assignmentsByCourseId),
      lectures: ids(c.lecturesByCourseId),
      studySessions: ids(c.studySessionsByCourseId),
    };
  }
  if (scenario === 'agenda')
    return { ids: merge([d.assignments.nodes, d.lectures.nodes, d.sessions.nodes], SCENARIOS.agenda.pageSize) };
  return { total: d.allAssignments.totalCount, ids: rows(d.allAssignments) };
}

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  getNamedType,
  isAbstractType,
  isObjectType,
  Kind,
  parse,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { formatPrismaCursor } from '@pothos/plugin-prisma';
import { OVERDUE_DOCUMENT } from '../bench/scenarios.js';
import { exampleQueries } from '../examples/app/src/queries.js';
import { createLogger } from '../src/observability/logger.js';
import { explain, formsOf, isFullyPlanned, plan } from '../src/planner/index.js';
import { getSchema } from '../src/schema/index.js';
import { createPlannedExecution } from '../src/server/planned-execution.js';
import { publishDocumentsAsOperator } from '../src/versioning/documents/publish-documents.js';
import { createTestApp, globalId, type TestApp } from './helpers/app.js';
import { createCourse, createUser } from './helpers/factories.js';

/**
 * The planned path (src/planner) against the reference, the generic path: every document is sent
 * to a server with planned execution off (the reference), and to one with it on, by its published
 * id and as text (both planned when the plan covers every root field); the answers must be the same
 * bytes, with the same headers.
 */

/** What Apollo Client's addTypename does: __typename in every selection set but the operation's own. */
function withTypename(text: string): string {
  const typename = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } } as const;
  return print(
    visit(parse(text), {
      SelectionSet: {
        leave(node, _key, parent) {
          if (parent && 'kind' in parent && parent.kind === Kind.OPERATION_DEFINITION) return undefined;
          if (node.selections.some((s) => s.kind === Kind.FIELD && s.name.value === '__typename')) return undefined;
          return { ...node, selections: [...node.selections, typename] };
        },
      },
    }),
  );
}

const HAND_WRITTEN = {
  // The bench's one hand-written read (its other reads are the example app's documents, below).
  overdue: OVERDUE_DOCUMENT,
  // Screens as hand-written before the example app had them: totalCount, pageInfo, three connections.
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
  // Aliases, fragments, __typename, cursors, a status variable, two root fields.
  shapes: `query Shapes($status: AssignmentStatus, $first: Int!, $course: ID!) {
  mine: assignments(first: $first, filter: { status: $status }) {
    __typename
    count: totalCount
    edges { __typename cursor node { ...Row } }
    pageInfo { __typename hasPreviousPage hasNextPage startCursor endCursor }
  }
  c: course(id: $course) { __typename ... on Course { archived archivedAt createdAt } name }
}
fragment Row on Assignment { __typename key: id title status priority estimatedMinutes completedAt description }`,
  agenda: `query Agenda($from: DateTime!, $to: DateTime!, $first: Int!) {
  agenda(from: $from, to: $to, first: $first) {
    edges { node { __typename id title scheduledAt course { name } } }
    pageInfo { hasNextPage endCursor }
  }
}`,
  agendaShapes: `query AgendaShapes($from: DateTime!, $to: DateTime!, $first: Int!) {
  week: agenda(from: $from, to: $to, first: $first) {
    __typename
    totalCount
    edges { __typename cursor node { ... on Task { id scheduledAt } ...Kinds } }
    pageInfo { hasPreviousPage hasNextPage startCursor endCursor }
  }
}
fragment Kinds on Task {
  __typename
  ... on Assignment { status dueAt course { name archived } }
  ... on Lecture { location endsAt }
  ... on StudySession { actualMinutes assignment { title } }
}`,
  dashboard: `query Dashboard($first: Int!) {
  me {
    upcomingAssignments(first: $first) { id title dueAt course { name } }
    overdueCount
    todayAgenda { __typename id title scheduledAt course { name } }
  }
}`,
  dashboardShapes: `query DashboardShapes {
  me { __typename id firstName timezone next: upcomingAssignments { title status } overdueCount
       todayAgenda { ... on Lecture { location } ... on Task { id } } }
}`,
  // The notification list with its subjects (a union).
  notifications: `query Notifications($first: Int!) {
  me {
    unreadCount
    notifications(first: $first) {
      totalCount
      edges { node { id kind title read createdAt subject { __typename ... on Assignment { title dueAt } ... on Lecture { title startsAt } ... on Course { name } } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`,
  notificationShapes: `query NotificationShapes($unread: Boolean, $first: Int!) {
  me {
    notifications(first: $first, unreadOnly: $unread) {
      totalCount
      edges { cursor node { id body channels readAt streamCursor subject { ... on Task { id scheduledAt } ... on StudySession { actualMinutes } ... on Course { archived } } } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
    unread: notifications(first: 2, unreadOnly: true) { totalCount }
  }
}`,
  // Not planned: a deprecated field (reported, counted and headed by the generic path).
  deprecated: `query Deprecated { assignments(first: 3) { edges { node { id dueDate isCompleted } } } }`,
  // Not planned: Course.color is planned, but the term filter has no SQL form.
  courses: `query Courses { courses(first: 5, filter: { term: "2026 Fall" }) { totalCount edges { node { name color } } } }`,
  // The other lists and the other rows by id.
  lists: `query Lists($archived: Boolean, $first: Int) {
  all: courses(first: $first) { totalCount edges { cursor node { id name archived } } pageInfo { hasNextPage endCursor } }
  old: courses(first: 10, filter: { archived: true }) { totalCount edges { node { name } } }
  chosen: courses(filter: { archived: $archived }) { totalCount edges { node { name archived } } }
  lectures(first: $first) { totalCount edges { node { id title startsAt location course { name } } } pageInfo { hasNextPage } }
  studySessions(last: $first, filter: null) { totalCount edges { node { id title assignment { title } } } pageInfo { hasPreviousPage } }
}`,
  byId: `query ById($a: ID!, $l: ID!, $s: ID!) {
  assignment(id: $a) { id title status course { name } }
  lecture(id: $l) { id title startsAt }
  studySession(id: $s) { id title actualMinutes }
}`,
  // As Relay writes it: fragments, id everywhere, @include by a variable.
  relay: `query RelayHome($first: Int!, $withCourse: Boolean!) {
  me { id ...Header upcomingAssignments(first: $first) { id ...Row } }
}
fragment Header on User { id firstName ... on Node { id } }
fragment Row on Assignment { id title status course @include(if: $withCourse) { id name } }`,
  // A hand-written GraphiQL session: a root __typename, a root field and fields selected twice
  // (merged), deprecated fields (planned; the notices are the generic path's), @skip, a derived
  // connection (User.courses) with nested connections.
  graphiql: `{
  __typename
  me { firstName firstName name courses(first: 5) { totalCount edges { cursor node { id name code archived
    assignments(first: 2) { edges { node { title isCompleted kind } } } } } pageInfo { hasNextPage endCursor } } }
  me { lastName todayAgenda { kind title } timezone @skip(if: true) email @include(if: false) }
  again: me { id }
}`,
  // Paging as infinite scroll and pull-to-refresh write it: every argument a variable, any of them null.
  paging: `query Paging($first: Int, $last: Int, $after: String, $before: String, $status: AssignmentStatus) {
  assignments(first: $first, last: $last, after: $after, before: $before, filter: { status: $status }) {
    totalCount
    edges { cursor node { id title dueAt } }
    pageInfo { hasPreviousPage hasNextPage startCursor endCursor }
  }
}`,
  // Find and sort (docs/find-and-sort.md): orderBy literals and the priority filter, paged by variables.
  sorted: `query Sorted($first: Int, $last: Int, $after: String, $before: String, $priority: Priority) {
  byPriority: assignments(first: $first, last: $last, after: $after, before: $before,
      orderBy: { field: PRIORITY, direction: DESC }, filter: { priority: $priority }) {
    totalCount edges { cursor node { id title priority } } pageInfo { hasPreviousPage hasNextPage startCursor endCursor }
  }
  byTitle: assignments(first: 6, orderBy: { field: TITLE }, filter: { priority: HIGH }) { totalCount edges { cursor node { title } } }
  byCreated: assignments(first: 6, orderBy: { field: CREATED_AT, direction: DESC }) { edges { node { id createdAt } } }
  byDue: assignments(last: 6, orderBy: { field: DUE_AT, direction: DESC }) { edges { node { id dueAt } } pageInfo { hasPreviousPage } }
  lectures(first: 3, orderBy: { field: TITLE, direction: DESC }) { totalCount edges { cursor node { title } } }
  studySessions(first: 3, orderBy: { field: CREATED_AT, direction: null }) { edges { node { id } } }
}`,
  nestedPaging: `query NestedPaging($id: ID!, $first: Int, $last: Int, $after: String, $before: String) {
  course(id: $id) {
    assignments(first: $first, last: $last, after: $after, before: $before) {
      edges { cursor node { id title } }
      pageInfo { hasPreviousPage hasNextPage startCursor endCursor }
    }
    lectures(last: 2) { edges { node { title } } pageInfo { hasPreviousPage hasNextPage } }
  }
}`,
  // Every other field a planned root reaches: the parity suite covers each SQL form (the last test).
  wide: `query Wide($first: Int!) {
  me { accountStatus role onboardingCompleted subscriptionTier subscriptionExpiresAt entitlementIds createdAt updatedAt
    emailVerified emailVerifiedAt pendingEmail
    devices(first: $first) { totalCount edges { cursor node { id platform appVersion createdAt lastSeenAt } } pageInfo { hasNextPage } }
    courses(first: $first) { edges { node { updatedAt
      assignments(first: $first) { edges { node { createdAt updatedAt
        studySessions(first: $first) { totalCount edges { node { id notes endsAt createdAt updatedAt } } pageInfo { hasNextPage } } } } }
      lectures(first: $first) { edges { node { createdAt updatedAt
        series { id title location recurrence startsAt endsAt timezone createdAt updatedAt course { id }
          lectures(first: $first) { totalCount edges { node { id startsAt } } pageInfo { hasNextPage } } } } } } } } } }
}`,
} as const;

const DOCS: typeof HAND_WRITTEN & Record<string, string> = {
  ...HAND_WRITTEN,
  // What the example app sends, as written, as its codegen sends it and as Apollo Client would
  // (one source: examples/app).
  ...Object.fromEntries(
    exampleQueries().flatMap((q) => [
      [`app${q.name}`, q.written],
      [`app${q.name}Sent`, q.sent],
      [`app${q.name}Apollo`, withTypename(q.written)],
    ]),
  ),
};

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const ids = Object.fromEntries(Object.entries(DOCS).map(([k, d]) => [k, sha256(d)]));

let app: TestApp;
/** The reference: the same app on the same database, with planned execution off. */
let reference: TestApp;
let adaId = '';
const statements: string[] = [];
const tokens: Record<'ada' | 'bob' | 'empty' | 'admin', string> = { ada: '', bob: '', empty: '', admin: '' };
const courses: Record<'full' | 'archived' | 'empty' | 'deleted' | 'bobs', string> = {
  full: '',
  archived: '',
  empty: '',
  deleted: '',
  bobs: '',
};
const NOW = new Date('2026-10-25T00:30:00.250Z');

beforeAll(async () => {
  app = await createTestApp({ onQuery: (sql) => statements.push(sql) });
  reference = await createTestApp({ database: app.database, env: { PLANNED_EXECUTION: 'off' } });
  app.clock.now = NOW;
  reference.clock.now = NOW;
  const ctx = { db: app.db, now: () => NOW, events: { notify() {} }, logger: createLogger('silent') };
  await publishDocumentsAsOperator(ctx, {
    client: 'ios',
    version: '1.0.0',
    manifest: Object.fromEntries(Object.values(DOCS).map((d) => [sha256(d), d])),
    schema: getSchema(),
  });
  const [ada, bob, empty, admin] = await Promise.all([
    createUser(app.db, { firstName: 'Ada' }),
    createUser(app.db, { firstName: 'Bob' }),
    createUser(app.db),
    createUser(app.db, { role: 'ADMIN' }),
  ]);
  tokens.ada = await app.tokens.issue(ada.id);
  adaId = ada.id;
  tokens.bob = await app.tokens.issue(bob.id);
  tokens.empty = await app.tokens.issue(empty.id);
  tokens.admin = await app.tokens.issue(admin.id);
  await app.db.user.update({
    where: { id: ada.id },
    data: { timezone: 'Europe/Berlin', entitlementIds: ['premium', 'Ünï "q" \\ 📚 \u2028 </script>'] },
  });
  // Push devices (me.devices): one without an app version, one with a quoting app version.
  await app.db.device.createMany({
    data: [
      { userId: ada.id, platform: 'IOS', token: 'a'.repeat(64), lastSeenAt: NOW },
      { userId: ada.id, platform: 'WEB', token: '{"endpoint":"https://x"}', appVersion: '2.0 "β" \\', lastSeenAt: NOW },
    ],
  });

  const full = await app.db.course.create({
    data: {
      userId: ada.id,
      name: 'Ünïcode "quotes" \\ back\nslash 📚 \u0001 \u001f \u007f \u2028 </script>',
      code: 'CS 101',
      term: '2026 Fall',
    },
  });
  const archived = await app.db.course.create({
    data: { userId: ada.id, name: 'Old', archivedAt: new Date('2026-03-29T01:00:00.000Z') },
  });
  const emptyCourse = await createCourse(app.db, ada.id, { name: 'Nothing yet' });
  const deleted = await createCourse(app.db, ada.id, { name: 'Gone' });
  const bobs = await createCourse(app.db, bob.id, { name: "Bob's" });
  Object.assign(courses, {
    full: full.id,
    archived: archived.id,
    empty: emptyCourse.id,
    deleted: deleted.id,
    bobs: bobs.id,
  });

  // Due times around NOW (the night Europe/Berlin leaves summer time), millisecond edges, DST days.
  const dues = [
    '2000-01-01T00:00:00.000Z',
    '2026-03-29T00:59:59.999Z',
    '2026-03-29T01:00:00.000Z',
    '2026-10-25T00:30:00.249Z',
    '2026-10-25T00:30:00.250Z', // exactly now: UPCOMING
    '2026-10-25T00:59:59.999Z',
    '2026-10-25T01:00:00.001Z',
    '2099-12-31T23:59:59.999Z',
  ];
  let n = 0;
  const assignment = (userId: string, courseId: string, dueAt: Date, extra: Record<string, unknown> = {}) =>
    app.db.assignment.create({
      data: { userId, courseId, title: `A${String((n += 1)).padStart(3, '0')} \t"x"`, dueAt, ...extra },
    });
  for (const due of dues) await assignment(ada.id, full.id, new Date(due));
  // 25 more overdue: a second page exists.
  for (let i = 0; i < 25; i += 1)
    await assignment(ada.id, i % 2 ? full.id : archived.id, new Date(NOW.getTime() - (i + 1) * 3_600_000 - i), {
      priority: i % 3 ? 'HIGH' : 'LOW',
      estimatedMinutes: i % 4 ? 30 + i : null,
      description: i % 5 ? null : 'notes',
    });
  // Same due time: ordered by id.
  for (let i = 0; i < 3; i += 1) await assignment(ada.id, full.id, new Date('2026-10-24T12:00:00.000Z'));
  await assignment(ada.id, full.id, new Date('2026-10-20T00:00:00.000Z'), {
    completedAt: new Date('2026-10-19T22:00:00.123Z'),
  });
  const gone = await assignment(ada.id, full.id, new Date('2026-10-21T00:00:00.000Z'));
  await app.db.assignment.delete({ where: { id: gone.id } });
  await assignment(bob.id, bobs.id, new Date('2026-10-01T00:00:00.000Z'));
  await app.db.course.delete({ where: { id: deleted.id } });
  // A live assignment of a deleted course (deleteCourse cascades; written straight to the table
  // here): the generic path answers an error for its non-null course.
  const orphanCourse = await createCourse(app.db, bob.id, { name: 'Orphaned' });
  await assignment(bob.id, orphanCourse.id, new Date('2026-10-02T00:00:00.000Z'));
  await app.db.course.delete({ where: { id: orphanCourse.id } });

  const lecture = (startsAt: string, extra: Record<string, unknown> = {}) =>
    app.db.lecture.create({
      data: {
        userId: ada.id,
        courseId: full.id,
        title: `L ${startsAt}`,
        startsAt: new Date(startsAt),
        endsAt: new Date(new Date(startsAt).getTime() + 90 * 60_000),
        ...extra,
      },
    });
  // A weekly series with two occurrences (a series is written like createLectureSeries does).
  const series = await app.db.lectureSeries.create({
    data: {
      userId: ada.id,
      courseId: full.id,
      title: 'Weekly',
      recurrence: 'FREQ=WEEKLY;COUNT=2',
      startsAt: new Date('2026-10-19T08:00:00.000Z'),
      endsAt: new Date('2026-10-19T09:30:00.000Z'),
      timezone: 'Europe/Berlin',
    },
  });
  for (const [day, startsAt] of [
    ['2026-10-19', '2026-10-19T08:00:00.000Z'],
    ['2026-10-26', '2026-10-26T09:00:00.000Z'],
  ]) {
    await lecture(startsAt!, { seriesId: series.id, occurrenceDate: new Date(day!) });
  }
  await lecture('2026-10-25T00:45:00.000Z', { location: 'Hall 1' });
  // The same instant as an assignment's due time and a study session's start: ordered by kind.
  await lecture('2026-10-25T00:59:59.999Z');
  await lecture('2026-10-25T00:59:59.999Z');
  await lecture('2026-03-29T00:30:00.000Z');
  const goneLecture = await lecture('2026-10-26T08:00:00.000Z');
  await app.db.lecture.delete({ where: { id: goneLecture.id } });

  const first = await app.db.assignment.findFirstOrThrow({ where: { userId: ada.id, courseId: full.id } });
  const session = (title: string, assignmentId: string | null, extra: Record<string, unknown> = {}) =>
    app.db.studySession.create({
      data: {
        userId: ada.id,
        courseId: full.id,
        assignmentId,
        title,
        startsAt: new Date('2026-10-25T02:30:00.000Z'),
        endsAt: new Date('2026-10-25T03:30:00.000Z'),
        ...extra,
      },
    });
  await session('with assignment', first.id, { actualMinutes: 45 });
  await session('with a deleted assignment', gone.id);
  const alone = await session('alone', null);
  const aLecture = await app.db.lecture.findFirstOrThrow({ where: { userId: ada.id } });
  const bobsAssignment = await app.db.assignment.findFirstOrThrow({ where: { userId: bob.id } });
  const subjects: [string | null, string | null][] = [
    ['COURSE', full.id],
    ['COURSE', archived.id],
    ['COURSE', deleted.id],
    ['ASSIGNMENT', first.id],
    ['ASSIGNMENT', gone.id],
    ['ASSIGNMENT', bobsAssignment.id],
    ['LECTURE', aLecture.id],
    ['STUDY_SESSION', alone.id],
    [null, null],
  ];
  let k = 0;
  for (const [subjectKind, subjectId] of subjects) {
    for (const channel of ['IN_APP', 'EMAIL'] as const) {
      k += 1;
      await app.db.notification.create({
        data: {
          userId: ada.id,
          channel,
          kind: subjectKind ? `${subjectKind.toLowerCase()}.updated` : 'digest',
          title: `N${k} "quoted"`,
          body: `line 1\nline 2 ${k}`,
          subjectKind,
          subjectId,
          channels: k % 3 ? ['IN_APP', 'EMAIL'] : ['IN_APP'],
          readAt: k % 4 === 1 ? new Date('2026-10-24T10:00:00.123Z') : null,
          // Some share a creation time: ordered by id, newest first.
          createdAt: new Date(Date.parse('2026-10-24T00:00:00.000Z') + (k % 5) * 60_000),
        },
      });
    }
  }
  const goneNote = await app.db.notification.create({
    data: { userId: ada.id, kind: 'welcome', title: 'deleted', body: '', channels: ['IN_APP'] },
  });
  await app.db.notification.delete({ where: { id: goneNote.id } });
  await app.db.notification.create({
    data: { userId: bob.id, kind: 'welcome', title: "Bob's", body: '', channels: ['IN_APP'] },
  });
  await session('tie', null, {
    startsAt: new Date('2026-10-25T00:59:59.999Z'),
    endsAt: new Date('2026-10-25T01:59:59.999Z'),
  });
  await app.db.lecture.create({
    data: {
      userId: bob.id,
      courseId: bobs.id,
      title: "Bob's lecture",
      startsAt: new Date('2026-10-25T00:59:59.999Z'),
      endsAt: new Date('2026-10-25T01:59:59.999Z'),
    },
  });
});

afterAll(async () => {
  await reference?.close();
  await app?.close();
});

interface Answer {
  status: number;
  body: string;
  headers: [string, string][];
  statements: string[];
}

async function send(body: Record<string, unknown>, token: string | null, to: TestApp = app): Promise<Answer> {
  const before = statements.length;
  const res = await to.fetch('/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'graphql-client-name': 'ios',
      'graphql-client-version': '1.0.0',
      // The same request id on both paths, so it is echoed the same (x-request-id header).
      'x-request-id': 'parity',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text, headers: [...res.headers.entries()], statements: statements.slice(before) };
}

/** Both paths; asserts the same bytes and headers; returns the planned answer (by id) and the text one. */
async function both(name: string, variables: Record<string, unknown>, token: string | null) {
  const query = DOCS[name] ?? '';
  const generic = await send({ query, variables }, token, reference);
  const planned = await send({ documentId: ids[name], variables }, token);
  const text = await send({ query, variables }, token);
  // The one per-request value: the request id an internal error carries.
  const requestIds = (body: string) => body.replace(/"requestId":"[^"]+"/g, '"requestId":"…"');
  for (const answer of [planned, text]) {
    expect(requestIds(answer.body)).toBe(requestIds(generic.body));
    expect(answer.status).toBe(generic.status);
    expect(answer.headers).toEqual(generic.headers);
  }
  expect(answeredByPlan(text)).toBe(answeredByPlan(planned));
  return {
    generic,
    planned,
    text,
    json: JSON.parse(planned.body) as { data?: any; errors?: { extensions: { code: string } }[] },
  };
}

/** A planned statement (src/planner): every one selects the owner column first. */
const PLANNED = /^SELECT \S+ AS "owner", /;
const ranPlan = (a: Answer) => a.statements.some((s) => PLANNED.test(s));
/** The plan gave the answer: its statement ran and the generic path read nothing after it. */
const GENERIC_READ = /"public"\."(User|Course|Assignment|Lecture|StudySession)"/;
function answeredByPlan(a: Answer): boolean {
  const last = a.statements.findLastIndex((s) => PLANNED.test(s));
  return last >= 0 && !a.statements.slice(last + 1).some((s) => GENERIC_READ.test(s));
}

describe('plan', () => {
  it('plans the five bench screens fully, and says why a document is not planned', () => {
    const schema = getSchema();
    expect(isFullyPlanned(plan(schema, parse(DOCS.overdue)))).toBe(true);
    expect(isFullyPlanned(plan(schema, parse(DOCS.coursePage)))).toBe(true);
    expect(isFullyPlanned(plan(schema, parse(DOCS.shapes)))).toBe(true);
    expect(isFullyPlanned(plan(schema, parse(DOCS.agenda)))).toBe(true);
    expect(isFullyPlanned(plan(schema, parse(DOCS.agendaShapes)))).toBe(true);
    expect(isFullyPlanned(plan(schema, parse(DOCS.dashboard)))).toBe(true);
    const courses = plan(schema, parse(DOCS.courses));
    expect(isFullyPlanned(courses)).toBe(false);
    expect(explain(courses)).toBe(
      'operation Courses: generic path\n  courses: not planned: Query.courses(filter: { term }) has no SQL form',
    );
  });

  it('names the field that blocks a root field, and never plans mutations', () => {
    const schema = getSchema();
    const blocked = plan(schema, parse('query { assignments(first: 5) { edges { node { id dueDate } } } }'));
    expect(explain(blocked)).toMatch(/assignments: not planned: Assignment.dueDate has no SQL form/);
    const unknown = plan(schema, parse('query($c: ID) { assignments(first: 5, courseId: $c) { totalCount } }'));
    expect(explain(unknown)).toMatch(/Query.assignments\(courseId:\) has no SQL form/);
    expect(plan(schema, parse('mutation { logout }')).reason).toMatch(/mutation/);
  });
});

describe('plans are made by the running process', () => {
  it('a published document is planned as the store loads it; plans per @include/@skip values', () => {
    const stored = (text: string) => ({
      id: sha256(text),
      document: parse(text),
      operationName: null,
      active: true,
      deprecatedCoordinates: [],
    });
    const planned = createPlannedExecution(getSchema(), { enabled: true, cacheSize: 10 });
    planned.prepare(stored(DOCS.overdue));
    planned.prepare(stored(DOCS.courses));
    planned.prepare(stored(DOCS.relay));
    expect(planned.counts()).toEqual({ documents: 3, planned: 2 });
    const schema = getSchema();
    const withCourse = plan(schema, parse(DOCS.relay), null, { withCourse: true });
    const without = plan(schema, parse(DOCS.relay), null, { withCourse: false });
    expect(isFullyPlanned(withCourse) && isFullyPlanned(without)).toBe(true);
    const sql = (p: typeof without) => (p.roots[0]!.planned ? p.roots[0]!.sql : '');
    expect(sql(withCourse)).toMatch(/"Course"/);
    expect(sql(without)).not.toMatch(/"Course"/);
    expect(explain(plan(schema, parse(DOCS.relay)))).toMatch(/@include\(if: \$withCourse\) without its value/);
  });
});

describe('planned path = generic path', () => {
  it('overdue: a first page of 20, a second page exists; strangers and empty accounts see nothing', async () => {
    const ada = await both('overdue', { first: 20 }, tokens.ada);
    expect(answeredByPlan(ada.planned)).toBe(true);
    expect(ranPlan(ada.generic)).toBe(false);
    expect(ada.json.data.assignments.totalCount).toBeGreaterThan(20);
    expect(ada.json.data.assignments.pageInfo.hasNextPage).toBe(true);
    expect(ada.json.data.assignments.edges).toHaveLength(20);
    for (const token of [tokens.empty, tokens.admin]) {
      const other = await both('overdue', { first: 100 }, token);
      expect(answeredByPlan(other.planned)).toBe(true);
    }
    const all = await both('overdue', { first: 100 }, tokens.ada);
    expect(all.json.data.assignments.pageInfo.hasNextPage).toBe(false);
    const empty = await both('overdue', { first: 3 }, tokens.empty);
    expect(empty.json.data.assignments).toEqual({
      totalCount: 0,
      edges: [],
      pageInfo: { hasNextPage: false, endCursor: null },
    });
  });

  it('course page: a full course, an archived one, an empty one; the owner and an admin', async () => {
    for (const [course, token] of [
      [courses.full, tokens.ada],
      [courses.archived, tokens.ada],
      [courses.empty, tokens.ada],
      [courses.full, tokens.admin],
      [courses.bobs, tokens.admin],
    ] as const) {
      for (const first of [1, 2, 20]) {
        const r = await both('coursePage', { id: globalId('Course', course), first }, token);
        expect(answeredByPlan(r.planned)).toBe(true);
        expect(r.json.data.course).not.toBeNull();
      }
    }
  });

  it('errors come from the generic path, the same: strangers, deleted, malformed ids, bad variables, signed out', async () => {
    const cases: [string, Record<string, unknown>, string | null, string][] = [
      ['coursePage', { id: globalId('Course', courses.bobs), first: 5 }, tokens.ada, 'NOT_FOUND'],
      ['coursePage', { id: globalId('Course', courses.deleted), first: 5 }, tokens.ada, 'NOT_FOUND'],
      ['coursePage', { id: globalId('Course', 'not-a-uuid'), first: 5 }, tokens.ada, 'NOT_FOUND'],
      ['coursePage', { id: globalId('Lecture', courses.full), first: 5 }, tokens.ada, ''],
      ['coursePage', { id: 'bm9wZQ', first: 5 }, tokens.ada, ''],
      ['coursePage', { id: globalId('Course', courses.full), first: 101 }, tokens.ada, ''],
      ['overdue', { first: 0 }, tokens.ada, ''],
      ['overdue', { first: 'x' }, tokens.ada, ''],
      ['overdue', {}, tokens.ada, ''],
      ['overdue', { first: 5 }, null, 'UNAUTHENTICATED'],
    ];
    for (const [name, variables, token, code] of cases) {
      const r = await both(name, variables, token);
      if (code) expect(r.json.errors?.[0]?.extensions.code).toBe(code);
    }
  });

  it("a live row whose non-null relation is deleted: the generic path's error, both ways", async () => {
    const r = await both('overdue', { first: 20 }, tokens.bob);
    expect(ranPlan(r.planned)).toBe(true);
    expect(answeredByPlan(r.planned)).toBe(false);
    expect(r.json.errors?.[0]?.extensions.code).toBe('INTERNAL_SERVER_ERROR');
  });

  it('agenda: a week across summer time ending, ties across kinds, empty windows, every page size', async () => {
    const windows = [
      ['2026-10-19T00:00:00.000Z', '2026-10-26T00:00:00.000Z'],
      ['2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z'],
      ['2026-03-28T00:00:00.000Z', '2026-03-30T00:00:00.000Z'],
      ['2030-01-01T00:00:00.000Z', '2030-01-02T00:00:00.000Z'],
      ['2000-01-01T00:00:00.000Z', '2000-12-31T00:00:00.000Z'],
    ];
    for (const [from, to] of windows) {
      for (const first of [1, 3, 50, 100]) {
        for (const name of ['agenda', 'agendaShapes'] as const) {
          for (const token of [tokens.ada, tokens.bob, tokens.empty]) {
            const r = await both(name, { from, to, first }, token);
            expect(answeredByPlan(r.planned)).toBe(true);
          }
        }
      }
    }
    const tie = await both('agendaShapes', { from: windows[1]![0], to: windows[1]![1], first: 100 }, tokens.ada);
    const kinds = (tie.json.data.week.edges as { node: { __typename: string } }[]).map((e) => e.node.__typename);
    expect(new Set(kinds)).toEqual(new Set(['Assignment', 'Lecture', 'StudySession']));
  });

  it('agenda windows the domain refuses are answered by the generic path', async () => {
    for (const [from, to, first] of [
      ['2026-10-25T00:00:00.000Z', '2026-10-25T00:00:00.000Z', 5],
      ['2026-01-01T00:00:00.000Z', '2027-01-03T00:00:00.000Z', 5],
      ['1999-12-31T00:00:00.000Z', '2000-01-02T00:00:00.000Z', 5],
      ['2026-10-25T00:00:00.000Z', 'tomorrow', 5],
      ['2026-10-19T00:00:00.000Z', '2026-10-26T00:00:00.000Z', 150],
    ] as const) {
      const r = await both('agenda', { from, to, first }, tokens.ada);
      expect(ranPlan(r.planned)).toBe(false);
    }
  });

  it('aliases, fragments, __typename, cursors and a status variable', async () => {
    for (const status of [null, 'OVERDUE', 'UPCOMING', 'COMPLETED']) {
      for (const course of [courses.full, courses.archived]) {
        const r = await both('shapes', { status, first: 7, course: globalId('Course', course) }, tokens.ada);
        expect(answeredByPlan(r.planned)).toBe(true);
        expect(r.json.data.mine.edges.length).toBeGreaterThan(0);
      }
    }
  });

  it('a document that is not planned is answered by the generic path', async () => {
    const r = await both('courses', {}, tokens.ada);
    expect(ranPlan(r.planned)).toBe(false);
    expect(r.json.data.courses.totalCount).toBeGreaterThan(0);
  });

  it('a document with deprecated fields: the same deprecation notices, headers and usage counts', async () => {
    const dueDateUsage = async () => {
      await app.server.deprecationUsage.flush();
      const rows = await app.db.deprecatedFieldUsage.findMany({
        where: { coordinate: 'Assignment.dueDate' },
        select: { count: true },
      });
      return rows.reduce((n, x) => n + Number(x.count), 0);
    };
    const start = await dueDateUsage();
    const generic = await send({ query: DOCS.deprecated }, tokens.ada);
    const afterText = await dueDateUsage();
    const byId = await send({ documentId: ids.deprecated }, tokens.ada);
    const afterId = await dueDateUsage();
    expect(byId.body).toBe(generic.body);
    expect(byId.headers).toEqual(generic.headers);
    expect(JSON.parse(byId.body)).toHaveProperty('extensions.deprecations');
    expect(byId.headers.map(([k]) => k)).toEqual(expect.arrayContaining(['deprecation', 'sunset']));
    expect(afterText - start).toBeGreaterThan(0);
    expect(afterId - afterText).toBe(afterText - start);
    expect(ranPlan(byId)).toBe(false);
  });

  it('notifications: newest first, unread only, subjects of every kind, deleted and foreign subjects null', async () => {
    for (const first of [1, 2, 20, 100]) {
      for (const token of [tokens.ada, tokens.bob, tokens.empty]) {
        const r = await both('notifications', { first }, token);
        expect(answeredByPlan(r.planned)).toBe(true);
        for (const unread of [null, true, false]) {
          const shapes = await both('notificationShapes', { unread, first }, token);
          expect(answeredByPlan(shapes.planned)).toBe(true);
        }
      }
    }
    const ada = await both('notifications', { first: 100 }, tokens.ada);
    const subjects = (
      ada.json.data.me.notifications.edges as { node: { subject: { __typename: string } | null } }[]
    ).map((e) => e.node.subject?.__typename ?? null);
    expect(new Set(subjects)).toEqual(new Set(['Course', 'Assignment', 'Lecture', 'StudySession', null]));
    expect(ada.json.data.me.unreadCount).toBeGreaterThan(0);
  });

  it("dashboard: today in each user's time zone (a 25-hour day, +14:00, -03:30, +05:45), counts, lists", async () => {
    const zones = ['Europe/Berlin', 'Pacific/Kiritimati', 'America/St_Johns', 'Asia/Kathmandu', 'UTC'];
    for (const timezone of zones) {
      await app.db.user.update({ where: { id: adaId }, data: { timezone } });
      for (const first of [1, 10, 50]) {
        const r = await both('dashboard', { first }, tokens.ada);
        expect(answeredByPlan(r.planned)).toBe(true);
      }
      const shapes = await both('dashboardShapes', {}, tokens.ada);
      expect(answeredByPlan(shapes.planned)).toBe(true);
    }
    await app.db.user.update({ where: { id: adaId }, data: { timezone: 'Europe/Berlin' } });
    const berlin = await both('dashboard', { first: 50 }, tokens.ada);
    expect(berlin.json.data.me.overdueCount).toBeGreaterThan(20);
    expect(berlin.json.data.me.todayAgenda.length).toBeGreaterThan(3);
    for (const token of [tokens.bob, tokens.empty, tokens.admin]) await both('dashboard', { first: 10 }, token);
    for (const first of [0, 51]) {
      const refused = await both('dashboard', { first }, tokens.ada);
      expect(refused.json.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
      expect(ranPlan(refused.planned)).toBe(false);
    }
  });
});

/** A page of a connection as the paging documents select it. */
type Page = {
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: {
    hasPreviousPage: boolean;
    hasNextPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
};

/**
 * The ids of a connection of document `name` (for Ada), walked with pages of `size` forward
 * (first/after) and backward (last/before), each answered by the plan as the generic path does;
 * both lists in forward order.
 */
async function pageBothWays(
  name: string,
  base: Record<string, unknown>,
  size: number,
  pageOf: (data: any) => Page,
): Promise<string[][]> {
  const seen: string[][] = [];
  for (const [count, end] of [
    ['first', 'after'],
    ['last', 'before'],
  ] as const) {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let n = 0; n < 20; n += 1) {
      const r = await both(name, { ...base, [count]: size, [end]: cursor }, tokens.ada);
      expect(answeredByPlan(r.planned)).toBe(true);
      const page = pageOf(r.json.data);
      const batch = page.edges.map((e) => e.node.id);
      ids.push(...(count === 'first' ? batch : batch.reverse()));
      const more = count === 'first' ? page.pageInfo.hasNextPage : page.pageInfo.hasPreviousPage;
      if (!more) break;
      cursor = count === 'first' ? page.pageInfo.endCursor : page.pageInfo.startCursor;
    }
    seen.push(count === 'first' ? ids : ids.reverse());
  }
  return seen;
}

describe('more of what real clients send, planned the same', () => {
  it('the example app: every query document, as written, as its codegen sends it, and as Apollo Client writes it', async () => {
    const variables: Record<string, Record<string, unknown>> = {
      HomeScreen: { upcoming: 10 },
      CoursePage: { id: globalId('Course', courses.full), first: 20 },
      WeekAgenda: { from: '2026-10-19T00:00:00.000Z', to: '2026-10-26T00:00:00.000Z', first: 50 },
      Notifications: { first: 20 },
      // apiInfo is public (no signedIn scope): the generic path answers it.
      AppDeprecations: { client: 'ios', version: '1.0.0' },
      // changes(since:) has no SQL form (docs/sync.md): the generic path answers it.
      Sync: { since: null, first: 10 },
    };
    const names = exampleQueries().map((q) => q.name);
    expect([...names].sort()).toEqual(Object.keys(variables).sort());
    for (const name of names) {
      for (const form of ['', 'Sent', 'Apollo']) {
        const r = await both(`app${name}${form}`, variables[name]!, tokens.ada);
        expect(r.json.errors).toBeUndefined();
        expect(answeredByPlan(r.planned)).toBe(name !== 'AppDeprecations' && name !== 'Sync');
      }
    }
  });

  it('Relay: fragments, ids everywhere, @include by a variable (one plan per value)', async () => {
    for (const withCourse of [true, false]) {
      for (const first of [1, 10]) {
        const r = await both('relay', { first, withCourse }, tokens.ada);
        expect(answeredByPlan(r.planned)).toBe(true);
        const course = r.json.data.me.upcomingAssignments[0]?.course;
        expect(course === undefined).toBe(!withCourse);
      }
    }
  });

  it('paging: forward by after, backward by last and before, the default size, foreign and odd cursors', async () => {
    const walk = async (
      name: 'paging' | 'nestedPaging',
      pageOf: (data: any) => Page,
      base: Record<string, unknown>,
    ) => {
      const seen = await pageBothWays(name, base, 7, pageOf);
      // Both ways through the same rows, each once.
      expect(seen[1]).toEqual(seen[0]);
      expect(new Set(seen[0]).size).toBe(seen[0]!.length);
      return seen[0]!;
    };
    const all = await walk('paging', (d) => d.assignments, {});
    expect(all.length).toBeGreaterThan(30);
    const course = globalId('Course', courses.full);
    expect((await walk('nestedPaging', (d) => d.course.assignments, { id: course })).length).toBeGreaterThan(10);
    await walk('paging', (d) => d.assignments, { status: 'OVERDUE' });

    // The default size; a cursor of a deleted row, of another user's row, of a row of another
    // type, malformed and not canonical: each as the generic path answers it.
    const defaults = await both('paging', {}, tokens.ada);
    expect(answeredByPlan(defaults.planned)).toBe(true);
    expect(defaults.json.data.assignments.edges).toHaveLength(20);
    const deleted = await app.db.$queryRawUnsafe<{ id: string }[]>(
      'SELECT "id" FROM "Assignment" WHERE "deletedAt" IS NOT NULL LIMIT 1',
    );
    const bobs = await app.db.$queryRawUnsafe<{ id: string }[]>(
      'SELECT a."id" FROM "Assignment" a JOIN "User" u ON u."id" = a."userId" WHERE u."firstName" = \'Bob\' LIMIT 1',
    );
    const cursors = [deleted[0]!.id, bobs[0]!.id, courses.full].map((id) => formatPrismaCursor({ id }, 'id'));
    for (const cursor of cursors) {
      for (const [size, end] of [
        ['first', 'after'],
        ['last', 'before'],
      ] as const) {
        const r = await both('paging', { [size]: 5, [end]: cursor }, tokens.ada);
        expect(answeredByPlan(r.planned)).toBe(true);
      }
    }
    const canonical = formatPrismaCursor({ id: all[3]! }, 'id');
    for (const odd of ['nope', Buffer.from('GPC:S:not-a-uuid').toString('base64'), canonical.replace(/=+$/, '')]) {
      const r = await both('paging', { first: 5, after: odd }, tokens.ada);
      expect(ranPlan(r.planned)).toBe(false);
    }
    // What plugin-prisma refuses, refused the same.
    for (const variables of [
      { first: 2, last: 2 },
      { first: 2, before: canonical },
      { last: 2, after: canonical },
    ]) {
      const r = await both('paging', variables, tokens.ada);
      expect(ranPlan(r.planned)).toBe(false);
    }
    const lectures = await both('nestedPaging', { id: course, first: 1 }, tokens.ada);
    expect(answeredByPlan(lectures.planned)).toBe(true);
  });

  it('find and sort: orderBy literals and the priority filter, every page forward and backward', async () => {
    for (const token of [tokens.ada, tokens.bob, tokens.empty]) {
      for (const priority of [null, 'HIGH', 'LOW']) {
        for (const first of [20, null]) {
          const r = await both('sorted', { priority, first }, token);
          expect(answeredByPlan(r.planned)).toBe(true);
        }
      }
    }
    const orders = await pageBothWays('sorted', {}, 4, (d) => d.byPriority as Page);
    const all = await both('sorted', { first: 100 }, tokens.ada);
    const whole = (all.json.data.byPriority as Page).edges.map((e) => e.node.id);
    expect(whole.length).toBeGreaterThan(20);
    expect(orders).toEqual([whole, whole]);
  });

  it('the other lists (courses by archived, lectures, study sessions) and the other rows by id', async () => {
    for (const token of [tokens.ada, tokens.bob, tokens.empty, tokens.admin]) {
      for (const archived of [true, false, null]) {
        for (const first of [1, 3, null]) {
          const r = await both('lists', { archived, first }, token);
          expect(answeredByPlan(r.planned)).toBe(true);
        }
      }
    }
    const ada = await both('lists', { first: 2 }, tokens.ada);
    expect(ada.json.data.old.totalCount).toBe(1);
    expect(ada.json.data.lectures.totalCount).toBeGreaterThan(2);
    const row = (table: string, name: string) =>
      app.db.$queryRawUnsafe<{ id: string }[]>(
        `SELECT t."id" FROM "${table}" t JOIN "User" u ON u."id" = t."userId" WHERE u."firstName" = '${name}' AND t."deletedAt" IS NULL ORDER BY t."id" LIMIT 1`,
      );
    const ids = async (name: string) => {
      const [[a], [l], [s]] = await Promise.all([
        row('Assignment', name),
        row('Lecture', name),
        row('StudySession', name),
      ]);
      return {
        a: globalId('Assignment', a?.id ?? adaId),
        l: globalId('Lecture', l?.id ?? adaId),
        s: globalId('StudySession', s?.id ?? adaId),
      };
    };
    const adas = await ids('Ada');
    for (const token of [tokens.ada, tokens.admin]) {
      const r = await both('byId', adas, token);
      expect(answeredByPlan(r.planned)).toBe(true);
      expect(r.json.data.lecture.title).toMatch(/^L /);
    }
    // Bob's assignment: NOT_FOUND from the generic path (one error: with more, their order is a race).
    const r = await both('byId', { ...adas, a: (await ids('Bob')).a }, tokens.ada);
    expect(ranPlan(r.planned)).toBe(true);
    expect(r.json.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
  });

  it('every other field: derived columns and connections of users, courses and tasks', async () => {
    for (const token of [tokens.ada, tokens.bob, tokens.empty]) {
      for (const first of [1, 5, 100]) {
        const r = await both('wide', { first }, token);
        expect(answeredByPlan(r.planned)).toBe(true);
      }
    }
  });

  it('a GraphiQL session: root __typename, merged selections, deprecated fields with their notices, @skip', async () => {
    for (const token of [tokens.ada, tokens.empty, tokens.admin]) {
      const r = await both('graphiql', {}, token);
      expect(answeredByPlan(r.planned)).toBe(true);
      expect(r.json.data.__typename).toBe('Query');
      expect(JSON.parse(r.planned.body)).toHaveProperty('extensions.deprecations');
      expect(r.planned.headers.map(([k]) => k)).toEqual(expect.arrayContaining(['deprecation', 'sunset']));
    }
  });
});

describe('the parity suite covers the planner', () => {
  /** Every coordinate with an SQL form that a planned root field can reach (derived or declared). */
  function plannable(): Set<string> {
    const schema = getSchema();
    const forms = formsOf(schema);
    const out = new Set<string>();
    const seen = new Set<string>();
    const visitType = (typename: string) => {
      if (seen.has(typename)) return;
      seen.add(typename);
      const type = schema.getType(typename);
      if (isAbstractType(type)) return schema.getPossibleTypes(type).forEach((t) => visitType(t.name));
      if (!isObjectType(type)) return;
      for (const field of Object.values(type.getFields())) {
        try {
          forms.field(typename, field.name);
        } catch {
          continue;
        }
        out.add(`${typename}.${field.name}`);
        visitType(nodeOrSelf(getNamedType(field.type).name));
      }
    };
    const nodeOrSelf = (typename: string): string => {
      const type = schema.getType(typename);
      const edges = isObjectType(type) ? type.getFields().edges : undefined;
      const edge = edges ? getNamedType(edges.type) : undefined;
      return isObjectType(edge) ? getNamedType(edge.getFields().node!.type).name : typename;
    };
    for (const field of Object.values(schema.getQueryType()!.getFields())) {
      try {
        forms.root(field.name);
      } catch {
        continue;
      }
      out.add(`Query.${field.name}`);
      visitType(nodeOrSelf(getNamedType(field.type).name));
    }
    return out;
  }

  /** The coordinates a document selects (a field on an interface counts for each of its types). */
  function selected(text: string): string[] {
    const schema = getSchema();
    const info = new TypeInfo(schema);
    const out: string[] = [];
    visit(
      parse(text),
      visitWithTypeInfo(info, {
        Field(node) {
          const parent = info.getParentType();
          if (!parent || node.name.value === '__typename') return;
          const types = isAbstractType(parent) ? schema.getPossibleTypes(parent) : [parent];
          for (const t of types) out.push(`${t.name}.${node.name.value}`);
        },
      }),
    );
    return out;
  }

  it('every SQL form is selected by some document of the suite', () => {
    const exercised = new Set(Object.values(DOCS).flatMap(selected));
    expect([...plannable()].filter((c) => !exercised.has(c)).sort()).toEqual([]);
  });
});

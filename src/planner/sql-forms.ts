/**
 * The SQL form of each GraphQL field the planner may plan (docs/planned-execution.md), keyed by
 * `Type.field`. A field absent here has no SQL form: a root field selecting it runs on the generic
 * path. Each form says what the field's resolver already does, in SQL:
 * - `column`: an exposed column (`DateTime` printed as graphql-scalars prints a Date: ISO 8601,
 *   milliseconds, `Z`);
 * - `globalId`: the relay global id, base64 of `Type:id`;
 * - `computed`: an expression over the row and the request's `now` (same rule as the resolver);
 * - `toOne`: a plugin-prisma relation to one live row (soft delete: `"deletedAt" IS NULL`);
 * - `connection`: a plugin-prisma related connection (cursor `id`), live rows in the given order.
 */

export type ColumnType = 'text' | 'int' | 'datetime' | 'enum';

export type SqlForm =
  | { kind: 'column'; column: string; type: ColumnType }
  | { kind: 'globalId' }
  | { kind: 'computed'; sql: (row: string, now: string) => string; usesNow: boolean }
  | { kind: 'toOne'; target: string; foreignKey: string }
  | {
      kind: 'connection';
      target: string;
      foreignKey: string;
      /** Columns, each `name` or `name DESC`, ending with `id` (the cursor). */
      orderBy: readonly string[];
      /** The list function's own conditions. */
      where?: (row: string) => string;
      /** Boolean arguments: the condition each adds when true. */
      booleanArgs?: Readonly<Record<string, (row: string) => string>>;
    }
  | {
      kind: 'subject';
      kindColumn: string;
      idColumn: string;
      /** The object type of each kind value; the row must be the viewer's own and live. */
      targets: Readonly<Record<string, string>>;
    }
  | {
      kind: 'list';
      target: string;
      foreignKey: string;
      where: (row: string, now: string) => string;
      /** Whether `where` reads the request's now (a bind parameter only then). */
      usesNow: boolean;
      orderBy: readonly string[];
      /** The `first` argument: its default, and the largest value the resolver accepts. */
      first: { default: number; max: number };
    }
  | {
      kind: 'count';
      target: string;
      foreignKey: string;
      where: (row: string, now: string) => string;
      usesNow: boolean;
    }
  | { kind: 'todayAgenda'; limit: number };

/** The table of each planned object type (every table has `id` UUID and `deletedAt`). */
export const TABLES: Readonly<Record<string, string>> = {
  User: 'User',
  Notification: 'Notification',
  Assignment: 'Assignment',
  Course: 'Course',
  Lecture: 'Lecture',
  StudySession: 'StudySession',
};

const text = (column: string): SqlForm => ({ kind: 'column', column, type: 'text' });
const int = (column: string): SqlForm => ({ kind: 'column', column, type: 'int' });
const dateTime = (column: string): SqlForm => ({ kind: 'column', column, type: 'datetime' });
const enumColumn = (column: string): SqlForm => ({ kind: 'column', column, type: 'enum' });
const course: SqlForm = { kind: 'toOne', target: 'Course', foreignKey: 'courseId' };
const byCourse = (target: string, orderBy: string[]): SqlForm => ({
  kind: 'connection',
  target,
  foreignKey: 'courseId',
  orderBy,
});

export const SQL_FORMS: Readonly<Record<string, SqlForm>> = {
  'User.id': { kind: 'globalId' },
  'User.email': text('email'),
  'User.firstName': text('firstName'),
  'User.lastName': text('lastName'),
  'User.timezone': text('timezone'),
  // upcomingAssignmentsQuery (src/resolvers/assignments/dashboard-filters.ts).
  'User.upcomingAssignments': {
    kind: 'list',
    target: 'Assignment',
    foreignKey: 'userId',
    where: (r, now) => `${r}."completedAt" IS NULL AND ${r}."dueAt" >= ${now}`,
    usesNow: true,
    orderBy: ['dueAt', 'id'],
    first: { default: 10, max: 50 },
  },
  // overdueWhere (same file).
  'User.overdueCount': {
    kind: 'count',
    target: 'Assignment',
    foreignKey: 'userId',
    where: (r, now) => `${r}."completedAt" IS NULL AND ${r}."dueAt" < ${now}`,
    usesNow: true,
  },
  // listNotifications (src/resolvers/notifications/list-notifications.ts): in-app, newest first.
  'User.notifications': {
    kind: 'connection',
    target: 'Notification',
    foreignKey: 'userId',
    orderBy: ['createdAt DESC', 'id DESC'],
    where: (r) => `${r}."channel" = 'IN_APP'`,
    booleanArgs: { unreadOnly: (r) => `${r}."readAt" IS NULL` },
  },
  // countUnreadNotifications (src/resolvers/notifications/count-unread-notifications.ts).
  'User.unreadCount': {
    kind: 'count',
    target: 'Notification',
    foreignKey: 'userId',
    where: (r) => `${r}."channel" = 'IN_APP' AND ${r}."readAt" IS NULL`,
    usesNow: false,
  },

  'Notification.id': { kind: 'globalId' },
  'Notification.kind': text('kind'),
  'Notification.title': text('title'),
  'Notification.body': text('body'),
  'Notification.read': { kind: 'computed', usesNow: false, sql: (r) => `(${r}."readAt" IS NOT NULL)` },
  'Notification.readAt': dateTime('readAt'),
  'Notification.createdAt': dateTime('createdAt'),
  'Notification.channels': { kind: 'computed', usesNow: false, sql: (r) => `to_json(${r}."channels"::text[])` },
  // loadNotificationSubjects (src/resolvers/notifications/load-notification-subjects.ts).
  'Notification.subject': {
    kind: 'subject',
    kindColumn: 'subjectKind',
    idColumn: 'subjectId',
    targets: { COURSE: 'Course', ASSIGNMENT: 'Assignment', LECTURE: 'Lecture', STUDY_SESSION: 'StudySession' },
  },

  // getTodayAgenda (src/resolvers/agenda/get-today-agenda.ts): the day of now in the user's time zone.
  'User.todayAgenda': { kind: 'todayAgenda', limit: 100 },

  'Assignment.id': { kind: 'globalId' },
  'Assignment.title': text('title'),
  'Assignment.description': text('description'),
  'Assignment.dueAt': dateTime('dueAt'),
  'Assignment.completedAt': dateTime('completedAt'),
  // assignmentStatus (src/resolvers/assignments/assignment-status.ts) at the request's now.
  'Assignment.status': {
    kind: 'computed',
    usesNow: true,
    sql: (r, now) =>
      `CASE WHEN ${r}."completedAt" IS NOT NULL THEN 'COMPLETED' WHEN ${r}."dueAt" < ${now} THEN 'OVERDUE' ELSE 'UPCOMING' END`,
  },
  'Assignment.priority': enumColumn('priority'),
  'Assignment.estimatedMinutes': int('estimatedMinutes'),
  'Assignment.createdAt': dateTime('createdAt'),
  'Assignment.updatedAt': dateTime('updatedAt'),
  'Assignment.course': course,
  // Task.scheduledAt: the due time of an assignment, the start of a lecture or study session.
  'Assignment.scheduledAt': dateTime('dueAt'),

  'Course.id': { kind: 'globalId' },
  'Course.name': text('name'),
  'Course.code': text('code'),
  'Course.color': text('color'),
  'Course.instructor': text('instructor'),
  'Course.term': text('term'),
  'Course.archivedAt': dateTime('archivedAt'),
  'Course.archived': { kind: 'computed', usesNow: false, sql: (r) => `(${r}."archivedAt" IS NOT NULL)` },
  'Course.createdAt': dateTime('createdAt'),
  'Course.updatedAt': dateTime('updatedAt'),
  'Course.assignments': byCourse('Assignment', ['dueAt', 'id']),
  'Course.lectures': byCourse('Lecture', ['startsAt', 'id']),
  'Course.studySessions': byCourse('StudySession', ['startsAt', 'id']),

  'Lecture.id': { kind: 'globalId' },
  'Lecture.title': text('title'),
  'Lecture.startsAt': dateTime('startsAt'),
  'Lecture.endsAt': dateTime('endsAt'),
  'Lecture.location': text('location'),
  'Lecture.createdAt': dateTime('createdAt'),
  'Lecture.updatedAt': dateTime('updatedAt'),
  'Lecture.course': course,
  'Lecture.scheduledAt': dateTime('startsAt'),

  'StudySession.id': { kind: 'globalId' },
  'StudySession.title': text('title'),
  'StudySession.startsAt': dateTime('startsAt'),
  'StudySession.endsAt': dateTime('endsAt'),
  'StudySession.actualMinutes': int('actualMinutes'),
  'StudySession.notes': text('notes'),
  'StudySession.createdAt': dateTime('createdAt'),
  'StudySession.updatedAt': dateTime('updatedAt'),
  'StudySession.course': course,
  'StudySession.scheduledAt': dateTime('startsAt'),
  'StudySession.assignment': { kind: 'toOne', target: 'Assignment', foreignKey: 'assignmentId' },
};

/**
 * Root fields with an SQL form: how the rows are found and whose they are (the access policy's
 * rules, src/resolvers/access.ts): `own` lists the viewer's own rows (`ownRows`); `byId` reads one
 * live row by global id and the request path checks `mayAccess(viewer, owner)` (`accessWhere` read).
 */
export type RootForm =
  | { kind: 'ownConnection'; target: string; orderBy: readonly string[]; filters: readonly 'status'[] }
  | { kind: 'byId'; target: string }
  | { kind: 'agenda' }
  | { kind: 'viewer' };

export const ROOT_FORMS: Readonly<Record<string, RootForm>> = {
  // listAssignments (src/resolvers/assignments/list-assignments.ts): the status filter only.
  assignments: { kind: 'ownConnection', target: 'Assignment', orderBy: ['dueAt', 'id'], filters: ['status'] },
  // getCourse (src/resolvers/courses/get-course.ts).
  course: { kind: 'byId', target: 'Course' },
  // getAgenda (src/resolvers/agenda/get-agenda.ts): from, to (variables) and first.
  agenda: { kind: 'agenda' },
  // getViewer (src/resolvers/users/get-viewer.ts): the viewer's own live user row.
  me: { kind: 'viewer' },
};

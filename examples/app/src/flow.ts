// What a student does in the app, in the order the screens send it: sign up and sign in, open the
// home screen, add a course and an assignment (watching taskUpdates live), open the course page
// and the week's agenda, complete the assignment, go offline (another device adds an assignment)
// and resume the live updates from the last cursor, read the notifications, delete the course and
// undo it. Every operation goes by its published document id. Returns what the client got.
import { createHash, randomUUID } from 'node:crypto';
import { parse, type DocumentNode } from 'graphql';
import { createAppClient, dataOf, type DeprecationSignal } from './client.js';
import {
  AppDeprecationsDocument,
  CompleteAssignmentDocument,
  CoursePageDocument,
  CreateAssignmentDocument,
  CreateCourseDocument,
  DeleteCourseDocument,
  HomeScreenDocument,
  NotificationsDocument,
  RestoreCourseDocument,
  SignInDocument,
  SignUpDocument,
  SyncDocument,
  TaskUpdatesDocument,
  WeekAgendaDocument,
  type AppDeprecationsQuery,
  type AssignmentRowFragment,
  type CoursePageQuery,
  type HomeScreenQuery,
  type NotificationsQuery,
  type TaskUpdatesSubscription,
  type WeekAgendaQuery,
} from './gql/graphql.js';

export const CLIENT_NAME = 'examples-app';

export type TaskUpdate = TaskUpdatesSubscription['taskUpdates'];

export interface FlowOptions {
  /** The GraphQL endpoint. */
  url: string;
  /** graphql-client-version: the version published with `npm run example:publish`. */
  clientVersion: string;
  /** Where the flow reports what it does (default: nowhere). */
  log?: (line: string) => void;
  /**
   * Resolves once the server has registered the student's taskUpdates subscription (a test
   * awaits the server's own signal). Default: the WebSocket's acknowledgement, and a short pause.
   */
  subscribed?: (userId: string) => Promise<void>;
  /** The day the agenda week starts from (default: now). */
  now?: Date;
  /**
   * Called before the notifications are read, to make the access token expire there (a test moves
   * the server's clock past ACCESS_TOKEN_TTL): the client renews its session and goes on.
   */
  accessTokenExpired?: () => void | Promise<void>;
}

export interface FlowReport {
  user: { id: string; firstName: string; email: string };
  signedInAs: string;
  course: { id: string; name: string };
  created: AssignmentRowFragment;
  completed: AssignmentRowFragment;
  /** taskUpdates received, in order. */
  updates: TaskUpdate[];
  /** The first sync (changes since null: every row the account has), whose cursor starts taskUpdates. */
  sync: { changes: number; fullSync: boolean };
  /** What the resumed subscription (after: the last cursor seen) replayed: the change made offline. */
  resumed: TaskUpdate[];
  home: HomeScreenQuery['me'];
  coursePage: CoursePageQuery['course'];
  /** The course page asked again (cache-first) after the completion: urql refetched it. */
  coursePageAfterCompletion: CoursePageQuery['course'];
  week: WeekAgendaQuery['agenda']['edges'][number]['node'][];
  notifications: NotificationsQuery['me'];
  deleted: { deletedId: string; deletionId: string };
  /** extensions.code of the course page once the course is deleted. */
  deletedCoursePage: string | undefined;
  restored: { id: string; name: string };
  /** What the server answered to a document id this app version never published. */
  unpublished: { code: string | undefined; message: string };
  /** Every deprecation signal received, one per response that carried one. */
  deprecations: DeprecationSignal[];
  /** The server's own account of what this app version still uses that is deprecated. */
  appDeprecations: AppDeprecationsQuery['apiInfo'];
  /** How many times the client renewed its session with its refresh token. */
  sessionRenewals: number;
}

/** A queue of subscription results: `next()` resolves with the next update, or fails after `ms`. */
function updateQueue(ms: number) {
  const items: TaskUpdate[] = [];
  const waiters: ((u: TaskUpdate) => void)[] = [];
  return {
    all: [] as TaskUpdate[],
    push(update: TaskUpdate) {
      this.all.push(update);
      const waiter = waiters.shift();
      if (waiter) waiter(update);
      else items.push(update);
    },
    next(what: string): Promise<TaskUpdate> {
      const ready = items.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no taskUpdates message for ${what} within ${ms} ms`)), ms);
        waiters.push((u) => {
          clearTimeout(timer);
          resolve(u);
        });
      });
    },
  };
}

export async function runFlow(options: FlowOptions): Promise<FlowReport> {
  const log = options.log ?? (() => {});
  const deprecations: DeprecationSignal[] = [];
  const client = createAppClient({
    url: options.url,
    clientName: CLIENT_NAME,
    clientVersion: options.clientVersion,
    onDeprecation: (signal) => deprecations.push(signal),
  });
  const urql = client.urql;
  const updates = updateQueue(10_000);
  let stop: (() => void) | null = null;
  try {
    // Sign up, then sign in as a returning student would.
    const email = `student-${randomUUID().slice(0, 8)}@example.com`;
    const password = 'correct horse battery staple';
    const signUp = dataOf(
      'SignUp',
      await urql.mutation(SignUpDocument, { input: { email, password, firstName: 'Ada', lastName: 'Lovelace' } }),
    ).signUp;
    log(`signed up ${signUp.user.email} (${signUp.user.firstName} ${signUp.user.lastName})`);
    const signIn = dataOf('SignIn', await urql.mutation(SignInDocument, { input: { email, password } })).signIn;
    client.setSession(signIn);
    log(`signed in as ${signIn.user.firstName}`);

    const course = dataOf(
      'CreateCourse',
      await urql.mutation(CreateCourseDocument, {
        input: { name: 'Linear Algebra', code: 'MATH 221', color: '#3366ff' },
      }),
    ).createCourse;
    log(`created course ${course.code} ${course.name}`);

    // Offline-first: a full sync, then live updates of this course's tasks from its cursor (over
    // graphql-ws): nothing can fall between the two, and every message carries a cursor to resume from.
    const sync = dataOf('Sync', await urql.query(SyncDocument, { since: null, first: 100 })).changes;
    log(`synced ${sync.changes.length} changes (full sync: ${sync.fullSync})`);
    const subscription = urql
      .subscription(TaskUpdatesDocument, { courseId: course.id, after: sync.cursor })
      .subscribe((result) => {
        if (result.data) updates.push(result.data.taskUpdates);
        else if (result.error) log(`taskUpdates error: ${result.error.message}`);
      });
    stop = () => subscription.unsubscribe();
    if (options.subscribed) await options.subscribed(signUp.user.id);
    else {
      await client.connected();
      await new Promise((resolve) => setTimeout(resolve, 300));
    }

    const now = options.now ?? new Date();
    const due = new Date(now.getTime() + 2 * 86_400_000);
    const created = dataOf(
      'CreateAssignment',
      await urql.mutation(CreateAssignmentDocument, {
        input: { courseId: course.id, title: 'Problem set 3', dueAt: due.toISOString(), priority: 'HIGH' },
      }),
    ).createAssignment;
    log(`created assignment "${created.title}", due ${created.dueAt} (${created.status})`);
    const createdUpdate = await updates.next('CreateAssignment');
    log(`  live: ${createdUpdate.change} ${createdUpdate.kind} "${createdUpdate.task?.title}"`);

    // The home screen (it selects the deprecated User.name on purpose).
    const home = dataOf(
      'HomeScreen',
      await urql.query(HomeScreenDocument, { upcoming: 5 }, { requestPolicy: 'network-only' }),
    ).me;
    log(
      `home: hello ${home.name}; ${home.todayAgenda.length} today, ${home.upcomingAssignments.length} upcoming, ` +
        `${home.overdueCount} overdue, ${home.unreadCount} unread`,
    );

    const coursePage = dataOf('CoursePage', await urql.query(CoursePageDocument, { id: course.id, first: 20 })).course;
    log(`course page ${coursePage.code}: ${coursePage.assignments.edges.map((e) => e.node.title).join(', ')}`);

    const weekStart = new Date(now);
    weekStart.setUTCHours(0, 0, 0, 0);
    const weekEnd = new Date(weekStart.getTime() + 7 * 86_400_000);
    const week = dataOf(
      'WeekAgenda',
      await urql.query(WeekAgendaDocument, { from: weekStart.toISOString(), to: weekEnd.toISOString(), first: 50 }),
    ).agenda.edges.map((e) => e.node);
    log(`week of ${weekStart.toISOString().slice(0, 10)}: ${week.map((t) => `${t.kind} "${t.title}"`).join(', ')}`);

    const completed = dataOf(
      'CompleteAssignment',
      await urql.mutation(CompleteAssignmentDocument, { id: created.id }),
    ).completeAssignment;
    log(`completed "${completed.title}" (${completed.status})`);
    const completedUpdate = await updates.next('CompleteAssignment');
    log(`  live: ${completedUpdate.change} ${completedUpdate.kind} "${completedUpdate.task?.title}"`);

    // cache-first: the completion's result (an Assignment) invalidated the cached course page.
    const refreshed = dataOf('CoursePage', await urql.query(CoursePageDocument, { id: course.id, first: 20 })).course;
    log(
      `course page again: ${refreshed.assignments.edges.map((e) => `${e.node.title} (${e.node.status})`).join(', ')}`,
    );

    // Offline (a lecture hall): the subscription ends; meanwhile another device adds an assignment.
    // Back online, the app resumes from the last cursor it saw and gets what it missed first.
    stop?.();
    const offline = dataOf(
      'CreateAssignment',
      await urql.mutation(CreateAssignmentDocument, {
        input: { courseId: course.id, title: 'Reading notes', dueAt: due.toISOString(), priority: 'LOW' },
      }),
    ).createAssignment;
    log(`offline: another device added "${offline.title}"`);
    const resumed = updateQueue(10_000);
    const resumedSubscription = urql
      .subscription(TaskUpdatesDocument, { courseId: course.id, after: completedUpdate.cursor })
      .subscribe((result) => {
        if (result.data) resumed.push(result.data.taskUpdates);
        else if (result.error) log(`taskUpdates error: ${result.error.message}`);
      });
    stop = () => resumedSubscription.unsubscribe();
    const missed = await resumed.next('the resume');
    log(`  resumed after ${completedUpdate.cursor}: ${missed.change} ${missed.kind} "${missed.task?.title}"`);

    if (options.accessTokenExpired) {
      await options.accessTokenExpired();
      log('the access token expired: the next request renews the session');
    }
    const notifications = dataOf(
      'Notifications',
      await urql.query(NotificationsDocument, { first: 10 }, { requestPolicy: 'network-only' }),
    ).me;
    log(
      `notifications: ${notifications.unreadCount} unread` +
        notifications.notifications.edges.map((e) => `\n  - ${e.node.title}`).join(''),
    );

    const deleted = dataOf('DeleteCourse', await urql.mutation(DeleteCourseDocument, { id: course.id })).deleteCourse;
    log(`deleted course ${course.code} (undo with deletion ${deleted.deletionId})`);
    const gone = await urql.query(CoursePageDocument, { id: course.id, first: 20 }, { requestPolicy: 'network-only' });
    const deletedCoursePage = gone.error?.graphQLErrors[0]?.extensions.code as string | undefined;
    log(`course page of the deleted course: ${deletedCoursePage ?? 'still there'}`);
    const restored = dataOf(
      'RestoreCourse',
      await urql.mutation(RestoreCourseDocument, { id: course.id }),
    ).restoreCourse;
    log(`restored course ${restored.name}`);

    // A document this build never published (a newer build's, say): the server refuses it.
    const text = 'query Unpublished { me { __typename id firstName lastName } }';
    const unpublishedDocument: DocumentNode & { __meta__: { hash: string } } = {
      ...parse(text, { noLocation: true }),
      __meta__: { hash: `sha256:${createHash('sha256').update(text).digest('hex')}` },
    };
    const refusedResult = await urql.query(unpublishedDocument, {}, { requestPolicy: 'network-only' });
    const unpublished = {
      code: refusedResult.error?.graphQLErrors[0]?.extensions.code as string | undefined,
      message: refusedResult.error?.graphQLErrors[0]?.message ?? '(answered)',
    };
    log(`an unpublished document id is refused: ${unpublished.code}`);

    const appDeprecations = dataOf(
      'AppDeprecations',
      await urql.query(
        AppDeprecationsDocument,
        { client: CLIENT_NAME, version: options.clientVersion },
        { requestPolicy: 'network-only' },
      ),
    ).apiInfo;

    return {
      user: { id: signUp.user.id, firstName: signUp.user.firstName, email: signUp.user.email },
      signedInAs: signIn.user.id,
      course: { id: course.id, name: course.name },
      created,
      completed,
      sync: { changes: sync.changes.length, fullSync: sync.fullSync },
      updates: updates.all,
      resumed: resumed.all,
      home,
      coursePage,
      coursePageAfterCompletion: refreshed,
      week,
      notifications,
      deleted,
      deletedCoursePage,
      restored,
      unpublished,
      deprecations,
      appDeprecations,
      sessionRenewals: client.renewals(),
    };
  } finally {
    stop?.();
    await client.close();
  }
}

/** The deprecation report a client team wants: each deprecated element once, where, until when, instead what. */
export function formatDeprecations(report: Pick<FlowReport, 'deprecations' | 'appDeprecations'>): string[] {
  const lines: string[] = [];
  const byCoordinate = new Map<string, { notice: DeprecationSignal['notices'][number]; operations: Set<string> }>();
  let headers: DeprecationSignal | undefined;
  for (const signal of report.deprecations) {
    headers ??= signal.deprecatedSince ? signal : undefined;
    for (const notice of signal.notices) {
      const entry = byCoordinate.get(notice.coordinate) ?? { notice, operations: new Set<string>() };
      entry.operations.add(signal.operationName);
      byCoordinate.set(notice.coordinate, entry);
    }
  }
  const version = report.deprecations.find((s) => s.clientVersion)?.clientVersion;
  if (version) {
    lines.push(
      `This app version is ${version.status} (minimum ${version.minimumVersion ?? '-'}, recommended ${version.recommendedVersion ?? '-'}): ${version.message}`,
    );
  }
  if (byCoordinate.size === 0) return [...lines, 'No deprecated field used.'];
  lines.push(`Deprecated API use (${byCoordinate.size}):`);
  for (const [coordinate, { notice, operations }] of byCoordinate) {
    lines.push(
      `  ${coordinate} in ${[...operations].join(', ')}: use ${notice.replacement} instead; sunset ${notice.sunset}, after which it may be removed.`,
    );
  }
  if (headers) {
    lines.push(
      `  headers: Deprecation since ${headers.deprecatedSince}, Sunset ${headers.sunset}` +
        (headers.clientVersionStatus ? `, Client-Version-Status ${headers.clientVersionStatus}` : ''),
    );
    for (const link of headers.links) lines.push(`  details: ${link}`);
  }
  const info = report.appDeprecations;
  lines.push(`The server's count for this app version (apiInfo, status ${info.client?.status ?? 'unknown'}):`);
  for (const d of info.clientDeprecations) {
    lines.push(
      `  ${d.deprecation.coordinate}: ${d.usageCount} ${d.usageCount === 1 ? 'request' : 'requests'} counted so far; published operations using it: ${d.operations.join(', ') || '(none)'}`,
    );
  }
  return lines;
}

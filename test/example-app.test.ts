import { readFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CLIENT_NAME, formatDeprecations, runFlow, type FlowReport } from '../examples/app/src/flow.js';
import { createLogger } from '../src/observability/logger.js';
import { getSchema, printPublicSchema } from '../src/schema/index.js';
import { publishDocumentsAsOperator } from '../src/versioning/documents/publish-documents.js';
import { loadClientsFromDb, readClientsSnapshot, writeClientsSnapshot } from '../tools/versioning/client-documents.js';
import { checkSchemaChange } from '../tools/versioning/check-schema-change.js';
import { createTestApp, rawId, type TestApp } from './helpers/app.js';

// The example app (examples/app, docs/example-app.md) against the real server: its codegen
// manifest published as examples-app@<its version>, TRUSTED_DOCUMENTS=require, and nobody exempt.
const exampleDir = path.join(import.meta.dirname, '..', 'examples', 'app');
const manifestFile = path.join(exampleDir, 'src', 'gql', 'persisted-documents.json');

let app: TestApp;
let url: string;
let version: string;
let manifest: Record<string, string>;
let report: FlowReport;

beforeAll(async () => {
  version = (JSON.parse(await readFile(path.join(exampleDir, 'package.json'), 'utf8')) as { version: string }).version;
  manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as Record<string, string>;
  app = await createTestApp({ env: { TRUSTED_DOCUMENTS: 'require', TRUSTED_DOCUMENTS_EXEMPT: 'none' } });
  url = await app.server.listen(0, '127.0.0.1');
  // What `npm run example:publish` runs (scripts/documents.ts publish).
  const ctx = { db: app.db, now: () => new Date(), events: { notify() {} }, logger: createLogger('silent') };
  const published = await publishDocumentsAsOperator(ctx, {
    client: CLIENT_NAME,
    version,
    manifest: JSON.stringify(manifest),
    schema: getSchema(),
  });
  expect(published).toMatchObject({ documents: Object.keys(manifest).length, added: Object.keys(manifest).length });
  report = await runFlow({
    url,
    clientVersion: version,
    subscribed: (userId) => app.subscribed('taskUpdates', rawId(userId)),
    // Past ACCESS_TOKEN_TTL (15 minutes) on the server's clock.
    accessTokenExpired: () => {
      app.clock.now = new Date(app.clock.now.getTime() + 16 * 60_000);
    },
  });
});
afterAll(async () => {
  await app?.close();
});

describe('the example app (GraphQL Codegen documents, urql, graphql-ws) under TRUSTED_DOCUMENTS=require', () => {
  it('publishes one sha256 document per operation, as examples-app and its package version', async () => {
    const names = Object.values(manifest).map((text) => /(?:query|mutation|subscription) (\w+)/.exec(text)?.[1]);
    expect(names.sort()).toEqual(
      [
        'AppDeprecations',
        'CompleteAssignment',
        'CoursePage',
        'CreateAssignment',
        'CreateCourse',
        'DeleteCourse',
        'HomeScreen',
        'Notifications',
        'RefreshSession',
        'RestoreCourse',
        'SignIn',
        'SignUp',
        'Sync',
        'TaskUpdates',
        'WeekAgenda',
      ].sort(),
    );
    for (const id of Object.keys(manifest)) expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    const stored = await app.db.appVersion.findFirst({ where: { client: CLIENT_NAME, version } });
    expect(stored?.status).toBe('ACTIVE');
  });

  it('runs the flow by document id: sign-up, home, course page, agenda, assignment, delete and restore', () => {
    expect(report.user).toMatchObject({ firstName: 'Ada' });
    expect(report.signedInAs).toBe(report.user.id);
    expect(report.created).toMatchObject({ title: 'Problem set 3', status: 'UPCOMING', priority: 'HIGH' });
    expect(report.completed).toMatchObject({ id: report.created.id, status: 'COMPLETED' });
    expect(report.completed.completedAt).toEqual(expect.any(String));
    expect(report.home).toMatchObject({ name: 'Ada Lovelace', overdueCount: 0 });
    expect(report.home.upcomingAssignments.map((a) => a.id)).toEqual([report.created.id]);
    expect(report.coursePage).toMatchObject({ id: report.course.id, name: 'Linear Algebra', code: 'MATH 221' });
    expect(report.coursePage.assignments.edges.map((e) => e.node.title)).toEqual(['Problem set 3']);
    // urql's document cache refetched the course page the completion (an Assignment) invalidated.
    expect(report.coursePageAfterCompletion.assignments.edges.map((e) => e.node.status)).toEqual(['COMPLETED']);
    expect(report.week).toEqual([
      expect.objectContaining({ id: report.created.id, kind: 'ASSIGNMENT', status: 'UPCOMING' }),
    ]);
    expect(report.notifications.notifications.edges).toEqual(expect.any(Array));
    expect(report.deleted.deletedId).toBe(report.course.id);
    expect(report.deletedCoursePage).toBe('NOT_FOUND');
    expect(report.restored).toEqual({ __typename: 'Course', id: report.course.id, name: 'Linear Algebra' });
  });

  it('signs in with a refresh token and renews its session when the access token expires', async () => {
    // The notifications were read after the access token expired: with the renewed session.
    expect(report.notifications.notifications.edges).toEqual(expect.any(Array));
    expect(report.sessionRenewals).toBe(1);
    const sessions = await app.db.session.findMany({ where: { userId: rawId(report.user.id) } });
    // Sign-up's session, sign-in's, and the row its refresh added to the sign-in's family.
    expect(sessions).toHaveLength(3);
    expect(sessions.filter((s) => s.usedAt !== null)).toHaveLength(1);
    expect(sessions.every((s) => s.revokedAt === null)).toBe(true);
  });

  it('receives the taskUpdates of the mutations over graphql-ws', () => {
    expect(report.updates.slice(0, 2)).toEqual([
      expect.objectContaining({
        change: 'CREATED',
        kind: 'ASSIGNMENT',
        taskId: report.created.id,
        courseId: report.course.id,
        task: expect.objectContaining({ title: 'Problem set 3' }),
      }),
      expect.objectContaining({ change: 'COMPLETED', taskId: report.created.id }),
    ]);
  });

  it('syncs in full first, and starts taskUpdates from that cursor', () => {
    // The course it had just created is the one row the account has: one page, the full sync done.
    expect(report.sync).toEqual({ changes: 1, fullSync: false });
  });

  it('resumes its taskUpdates after being offline: the change made meanwhile comes first, with its cursor', () => {
    expect(report.resumed[0]).toEqual(
      expect.objectContaining({
        change: 'CREATED',
        kind: 'ASSIGNMENT',
        courseId: report.course.id,
        cursor: expect.any(String),
        task: expect.objectContaining({ title: 'Reading notes' }),
      }),
    );
    // Only what was missed: nothing from before the cursor it resumed after (the completion).
    expect(report.resumed.filter((u) => u.change === 'COMPLETED')).toEqual([]);
    expect(report.resumed[0]!.cursor).not.toBe(report.updates[1]!.cursor);
  });

  it('is refused a document id no active version published, and query text', async () => {
    expect(report.unpublished).toEqual({
      code: 'PERSISTED_DOCUMENT_NOT_FOUND',
      message: expect.stringContaining('No active app version published this document id'),
    });
    const text = Object.values(manifest).find((t) => t.includes('query HomeScreen'))!;
    const res = await app.gql(text, { upcoming: 5 }, undefined, {
      'graphql-client-name': CLIENT_NAME,
      'graphql-client-version': version,
    });
    expect(res.errors?.[0]?.extensions?.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
  });

  it('reads the deprecation signals of the operation that still selects User.name', () => {
    const home = report.deprecations.filter((s) => s.operationName === 'HomeScreen');
    expect(home).toEqual([
      {
        operationName: 'HomeScreen',
        notices: [expect.objectContaining({ coordinate: 'User.name', sunset: '2027-06-01' })],
        deprecatedSince: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        sunset: '2027-06-01',
        links: [expect.stringMatching(/\/deprecations\/User\.name$/)],
        clientVersionStatus: null,
        clientVersion: null,
      },
    ]);
    // No other operation of the app touches a deprecated element.
    expect(new Set(report.deprecations.map((s) => s.operationName))).toEqual(new Set(['HomeScreen']));
    expect(report.appDeprecations.clientDeprecations).toEqual([
      expect.objectContaining({
        deprecation: expect.objectContaining({ coordinate: 'User.name' }),
        operations: [`HomeScreen (${version})`],
        usageCount: expect.any(Number),
      }),
    ]);
    const printed = formatDeprecations(report).join('\n');
    expect(printed).toContain('User.name in HomeScreen: ');
    expect(printed).toContain('sunset 2027-06-01');
  });

  it('schema:check refuses removing User.name after its sunset while examples-app uses it', async () => {
    // The snapshot `npm run documents:snapshot` would write from this database.
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'snapshot-')), 'trusted-documents.json');
    await writeClientsSnapshot(await loadClientsFromDb(app.db), file);
    const snapshot = (await readClientsSnapshot(file))!;
    expect(snapshot.documents.filter((d) => d.client === CLIENT_NAME)).toHaveLength(Object.keys(manifest).length);

    const current = printPublicSchema();
    const withoutName = current.replace(
      /\n {2}"""The full name, "First Last"\."""\n {2}name: String! @deprecated\([^\n]*\)\n/,
      '\n',
    );
    expect(withoutName).not.toBe(current);
    const check = await checkSchemaChange(current, withoutName, '2027-06-10', { ...snapshot, usage: [] });
    expect(check.violations).toEqual([
      {
        coordinate: 'User.name',
        message: expect.stringMatching(
          new RegExp(`still used by active app versions.*${CLIENT_NAME} ${version.replace(/\./g, '\\.')} HomeScreen`),
        ),
      },
    ]);
  });
});

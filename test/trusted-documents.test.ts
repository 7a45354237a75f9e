import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { defaultTrustedDocumentsConfig, defaultVersioningConfig, type Config } from '../src/config.js';
import { createLogger } from '../src/observability/logger.js';
import { publishDocumentsAsOperator } from '../src/versioning/documents/publish-documents.js';
import { getSchema } from '../src/schema/index.js';
import { wsSubscribe } from '../tools/clients/subscriptions.js';
import { createTestApp, serverBeside, globalId, type TestApp } from './helpers/app.js';
import { createCourse, createUser } from './helpers/factories.js';
import { rawWs } from './helpers/ws.js';

// Every test runs on the test clock, never on today's date: the tokens below are minted at it and
// the sunsets (2027-03-01, 2027-06-01) are compared with it. Before both; no test moves it.
const TEST_NOW = '2027-01-15T12:00:00Z';
let app: TestApp;
let adminToken: string;
let studentToken: string;
beforeAll(async () => {
  app = await createTestApp({ env: { TRUSTED_DOCUMENTS: 'require' } });
  app.clock.now = new Date(TEST_NOW);
  adminToken = await app.tokens.issue((await createUser(app.db, { role: 'ADMIN' })).id);
  studentToken = await app.tokens.issue((await createUser(app.db, { firstName: 'Ada' })).id);
});
afterAll(async () => {
  await app?.close();
});
beforeEach(() => {
  app.clock.now = new Date(TEST_NOW);
});

/** The app's URL, listening from the first test that needs a socket on (listen once per server). */
let listeningUrl: Promise<string> | null = null;
const listening = () => (listeningUrl ??= app.server.listen(0, '127.0.0.1'));

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const md5 = (text: string) => createHash('md5').update(text).digest('hex');
/** A manifest as GraphQL Codegen's client preset writes it (sha256 of each document). */
const codegenManifest = (...docs: string[]) => Object.fromEntries(docs.map((d) => [sha256(d), d]));

const PROFILE = 'query Profile { me { id name firstName } }';
const VIEWER = 'query Viewer { me { id firstName lastName } }';

const PUBLISH = `mutation ($input: PublishTrustedDocumentsInput!) {
  publishTrustedDocuments(input: $input) { client version status documents added }
}`;
const RETIRE = `mutation ($client: String!, $version: String!) {
  retireAppVersion(client: $client, version: $version) { client version status retiredAt }
}`;

function publish(client: string, version: string, manifest: unknown, token = adminToken) {
  const input = { client, version, manifest: typeof manifest === 'string' ? manifest : JSON.stringify(manifest) };
  return app.gql(PUBLISH, { input }, token);
}

/** Sends a request body as an app does, to `server` (default: the app's, TRUSTED_DOCUMENTS=require). */
async function send(
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
  server: { yoga: TestApp['server']['yoga'] } = app.server,
) {
  const res = await server.yoga.fetch('http://test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as {
    data?: any;
    errors?: { message: string; extensions: Record<string, any> }[];
    extensions?: Record<string, any>;
  };
  return { ...json, headers: res.headers, status: res.status };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const ios = (version: string) => ({ 'graphql-client-name': 'ios', 'graphql-client-version': version });

/** What the documents script publishes with, on the same database and clock. */
const operatorContext = () => ({
  db: app.db,
  now: () => new Date(app.clock.now),
  events: { notify() {} },
  logger: createLogger('silent'),
});

/** Another server on the same database and clock, with its own settings. */
function serverWith(config: {
  versioning?: Partial<Config['versioning']>;
  trustedDocuments?: Partial<Config['trustedDocuments']>;
  graphiql?: boolean;
}) {
  return serverBeside(app, {
    graphiql: config.graphiql ?? false,
    versioning: { ...defaultVersioningConfig, ...config.versioning },
    trustedDocuments: { ...defaultTrustedDocumentsConfig, ...config.trustedDocuments },
  });
}

describe('publishing trusted documents', () => {
  it('publishes a GraphQL Codegen manifest for an app version, with the deprecated coordinates of each document', async () => {
    const res = await publish('ios', '3.2.0', codegenManifest(PROFILE, VIEWER));
    expect(res.errors).toBeUndefined();
    expect(res.data?.publishTrustedDocuments).toEqual({
      client: 'ios',
      version: '3.2.0',
      status: 'ACTIVE',
      documents: 2,
      added: 2,
    });
    const listed = await app.gql(
      `{ appVersions(client: "ios") { client version status documents { id operationName operationType deprecatedCoordinates } } }`,
      {},
      adminToken,
    );
    expect(listed.data?.appVersions).toEqual([
      {
        client: 'ios',
        version: '3.2.0',
        status: 'ACTIVE',
        documents: expect.arrayContaining([
          {
            id: sha256(PROFILE),
            operationName: 'Profile',
            operationType: 'QUERY',
            deprecatedCoordinates: ['User.name'],
          },
          { id: sha256(VIEWER), operationName: 'Viewer', operationType: 'QUERY', deprecatedCoordinates: [] },
        ]),
      },
    ]);
    // Publishing again adds nothing and removes nothing.
    const again = await publish('ios', '3.2.0', codegenManifest(PROFILE));
    expect(again.data?.publishTrustedDocuments).toMatchObject({ documents: 1, added: 0 });
    expect(await app.db.appVersionDocument.count({ where: { appVersion: { client: 'ios', version: '3.2.0' } } })).toBe(
      2,
    );
    // One outbox event per publish that added documents.
    expect(await app.db.outboxEvent.count({ where: { type: 'appVersion.published' } })).toBe(1);
  });

  it("reads Relay's md5-keyed manifest and Apollo's persisted query manifest", async () => {
    const relayDoc = 'query RelayCourses { courses(first: 5) { totalCount } }';
    const relay = await publish('relay-web', '1.0.0', { [md5(relayDoc)]: relayDoc });
    expect(relay.data?.publishTrustedDocuments).toMatchObject({ documents: 1, added: 1 });
    const apolloDoc = 'query ApolloMe { me { id } }';
    const apollo = await publish('apollo-web', '1.0.0', {
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: [{ id: sha256(apolloDoc), name: 'ApolloMe', type: 'query', body: apolloDoc }],
    });
    expect(apollo.data?.publishTrustedDocuments).toMatchObject({ documents: 1, added: 1 });
  });

  it('refuses a manifest with an invalid document, with its GraphQL errors, and stores nothing', async () => {
    const broken = 'query Broken { me { id nickname } }';
    const res = await publish('android', '2.0.0', codegenManifest(VIEWER, broken));
    expect(res.data).toBeNull();
    expect(res.errors?.[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      documents: [
        {
          id: sha256(broken),
          operationName: 'Broken',
          errors: [
            {
              message: expect.stringContaining('Cannot query field "nickname" on type "User".'),
              locations: [{ line: 1, column: 24 }],
            },
          ],
        },
      ],
    });
    expect(await app.db.appVersion.count({ where: { client: 'android' } })).toBe(0);
    expect(await app.db.trustedDocument.count({ where: { hash: sha256(broken) } })).toBe(0);
  });

  it('refuses an id that is not the hash of its text, two operations in one document, and unreadable manifests', async () => {
    const wrongId = await publish('android', '2.0.0', { [sha256('something else')]: VIEWER });
    const problems = (res: { errors?: { extensions?: Record<string, any> }[] }) =>
      res.errors?.[0]?.extensions?.documents as { errors: { message: string }[] }[];
    expect(problems(wrongId)[0]?.errors[0]?.message).toMatch(/is not the hash/);
    const two = 'query A { me { id } } query B { me { id } }';
    const twoOps = await publish('android', '2.0.0', codegenManifest(two));
    expect(problems(twoOps)[0]?.errors[0]?.message).toMatch(/exactly one operation/);
    for (const manifest of ['not json', '[]', '{}', '{"abc": 42}']) {
      const res = await publish('android', '2.0.0', manifest);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'manifest' });
    }
    const badVersion = await publish('android', 'latest', codegenManifest(VIEWER));
    expect(badVersion.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'version' });
    expect(await app.db.appVersion.count({ where: { client: 'android' } })).toBe(0);
  });

  it('is for admins only', async () => {
    // Under `require` a student cannot even send the mutation's text; with text allowed, FORBIDDEN.
    const allow = serverWith({});
    const res = await send(
      { query: PUBLISH, variables: { input: { client: 'x', version: '1.0.0', manifest: '{}' } } },
      bearer(studentToken),
      allow,
    );
    expect(res.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });

  it('publishes from the command line: npm run documents:publish -- --client C --version V FILE', async () => {
    const doc = 'query CliViewer { me { id email } }';
    const dir = await mkdtemp(path.join(tmpdir(), 'manifest-'));
    const file = path.join(dir, 'persisted-documents.json');
    await writeFile(file, JSON.stringify(codegenManifest(doc)));
    if (app.database.embedded) {
      // One connection to the in-memory database: publish through the same function the script runs.
      const ctx = operatorContext();
      await publishDocumentsAsOperator(ctx, { client: 'cli', version: '1.0.0', manifest: doc, schema: getSchema() })
        .then(() => {
          throw new Error('a document text is not a manifest');
        })
        .catch((err: Error) => expect(err.message).toMatch(/manifest cannot be read/));
      await publishDocumentsAsOperator(ctx, {
        client: 'cli',
        version: '1.0.0',
        manifest: codegenManifest(doc),
        schema: getSchema(),
      });
    } else {
      const { stdout } = await promisify(execFile)(
        'npx',
        ['tsx', 'scripts/documents.ts', 'publish', '--client', 'cli', '--version', '1.0.0', file],
        { env: { ...process.env, DATABASE_URL: app.database.url } },
      );
      expect(stdout).toContain('published cli 1.0.0: 1 documents, 1 new for this version.');
    }
    expect(await app.db.trustedDocument.findUnique({ where: { hash: sha256(doc) } })).toMatchObject({
      operationName: 'CliViewer',
      operationType: 'QUERY',
    });
  });
});

describe('TRUSTED_DOCUMENTS=require', () => {
  beforeAll(async () => {
    await publish('ios', '3.2.0', codegenManifest(PROFILE, VIEWER));
  });

  it('serves a published document by documentId, by Apollo persisted-query extension, and by GET', async () => {
    const byId = await send({ documentId: sha256(VIEWER) }, bearer(studentToken));
    expect(byId.errors).toBeUndefined();
    expect(byId.data.me).toMatchObject({ firstName: 'Ada', lastName: 'Student' });
    const byApollo = await send(
      { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(VIEWER) } } },
      bearer(studentToken),
    );
    expect(byApollo.data.me.firstName).toBe('Ada');
    const res = await app.fetch(`/graphql?documentId=${sha256(VIEWER)}`, {
      headers: { accept: 'application/json', ...bearer(studentToken) },
    });
    expect(((await res.json()) as { data: any }).data.me.firstName).toBe('Ada');
  });

  it('refuses query text with TRUSTED_DOCUMENT_REQUIRED and an unknown id with PERSISTED_DOCUMENT_NOT_FOUND', async () => {
    const text = await send({ query: VIEWER }, bearer(studentToken));
    expect(text.data).toBeUndefined();
    expect(text.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('send the documentId of a published document'),
        extensions: expect.objectContaining({ code: 'TRUSTED_DOCUMENT_REQUIRED' }),
      }),
    ]);
    const unknown = await send({ documentId: sha256('query Nope { me { id } }') }, bearer(studentToken));
    expect(unknown.errors?.[0]?.extensions.code).toBe('PERSISTED_DOCUMENT_NOT_FOUND');
    const junk = await send({ documentId: 'x'.repeat(500) }, bearer(studentToken));
    expect(junk.errors?.[0]?.extensions.code).toBe('PERSISTED_DOCUMENT_NOT_FOUND');
  });

  it('lets admin tokens and GraphiQL send text, unless configured otherwise', async () => {
    const admin = await send({ query: '{ me { role } }' }, bearer(adminToken));
    expect(admin.data.me.role).toBe('ADMIN');
    const graphiql = await send({ query: '{ __typename }' }, { 'graphql-client-name': 'graphiql' });
    expect(graphiql.data).toEqual({ __typename: 'Query' });

    const strict = serverWith({ trustedDocuments: { mode: 'require', exempt: [] }, graphiql: true });
    expect((await send({ query: '{ me { role } }' }, bearer(adminToken), strict)).errors?.[0]?.extensions.code).toBe(
      'TRUSTED_DOCUMENT_REQUIRED',
    );
    // GraphiQL is exempt only where it is enabled.
    const noGraphiql = serverWith({ trustedDocuments: { mode: 'require' }, graphiql: false });
    const refused = await send({ query: '{ __typename }' }, { 'graphql-client-name': 'graphiql' }, noGraphiql);
    expect(refused.errors?.[0]?.extensions.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
  });

  it('stops serving the documents of a retired version (another active version keeps a shared one)', async () => {
    const only = 'query OnlyIn310 { me { id } }';
    await publish('ios', '3.1.0', codegenManifest(only, VIEWER));
    expect((await send({ documentId: sha256(only) }, bearer(studentToken))).data.me.id).toBeTruthy();
    const retired = await app.gql(RETIRE, { client: 'ios', version: '3.1.0' }, adminToken);
    expect(retired.data?.retireAppVersion).toMatchObject({ status: 'RETIRED', retiredAt: expect.any(String) });
    const gone = await send({ documentId: sha256(only) }, bearer(studentToken));
    expect(gone.errors?.[0]?.extensions.code).toBe('PERSISTED_DOCUMENT_NOT_FOUND');
    expect(gone.errors?.[0]?.message).toMatch(/No active app version published this document id/);
    expect((await send({ documentId: sha256(VIEWER) }, bearer(studentToken))).data.me.id).toBeTruthy();
    // A retired version cannot publish again; `allow` still serves a published document by id.
    const again = await publish('ios', '3.1.0', codegenManifest(only));
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const allow = serverWith({ trustedDocuments: { mode: 'allow' } });
    expect((await send({ documentId: sha256(only) }, bearer(studentToken), allow)).data.me.id).toBeTruthy();
    expect((await send({ query: '{ __typename }' }, {}, allow)).data).toEqual({ __typename: 'Query' });
  });

  it('remembers an id it did not find until forgotten (or its TTL), and shares one lookup per id', async () => {
    const store = serverWith({ trustedDocuments: { mode: 'require' } }).trustedDocuments;
    const later = 'query PublishedLater { me { email } }';
    expect(await store.get(sha256(later))).toBeNull();
    const ctx = operatorContext();
    await publishDocumentsAsOperator(ctx, {
      client: 'ios',
      version: '3.2.0',
      manifest: codegenManifest(later),
      schema: getSchema(),
    });
    // Published by another process: not seen until the TTL runs out, or forget() here.
    expect(await store.get(sha256(later))).toBeNull();
    store.forget([sha256(later)]);
    const [a, b] = await Promise.all([store.get(sha256(later)), store.get(sha256(later))]);
    expect(a).toMatchObject({ id: sha256(later), operationName: 'PublishedLater', active: true });
    expect(b).toBe(a);
  });

  it('loads the active documents at start-up, and `off` does not look ids up', async () => {
    const fresh = serverWith({ trustedDocuments: { mode: 'require' } });
    expect(await fresh.trustedDocuments.preload()).toBeGreaterThanOrEqual(2);
    const off = serverWith({ trustedDocuments: { mode: 'off' } });
    const res = await send({ documentId: sha256(VIEWER) }, bearer(studentToken), off);
    expect(res.data).toBeUndefined();
    expect(res.errors?.[0]).toMatchObject({
      message: 'Unexpected parameter "documentId" in the request body.',
      extensions: { code: 'BAD_REQUEST' },
    });
  });

  it('applies over graphql-ws too: a subscription by documentId runs, text is refused', async () => {
    const UPDATES = 'subscription TaskUpdates { taskUpdates { change kind task { __typename title } } }';
    const CREATE =
      'mutation CreateAssignment($input: CreateAssignmentInput!) { createAssignment(input: $input) { id } }';
    await publish('ios', '3.2.0', codegenManifest(UPDATES, CREATE));
    const user = await createUser(app.db);
    const course = await createCourse(app.db, user.id);
    const token = await app.tokens.issue(user.id);
    const url = await listening();
    const text = await wsSubscribe(url, token, UPDATES);
    const byId = await wsSubscribe(url, token, '', {}, { documentId: sha256(UPDATES) });
    try {
      expect((await text.next()).errors[0]).toMatchObject({ extensions: { code: 'TRUSTED_DOCUMENT_REQUIRED' } });
      const created = await send(
        {
          documentId: sha256(CREATE),
          variables: {
            input: { courseId: globalId('Course', course.id), title: 'by id', dueAt: '2027-01-15T12:00:00Z' },
          },
        },
        bearer(token),
      );
      expect(created.errors).toBeUndefined();
      await app.bus.idle();
      expect((await byId.next()).data.taskUpdates).toEqual({
        change: 'CREATED',
        kind: 'ASSIGNMENT',
        task: { __typename: 'Assignment', title: 'by id' },
      });
    } finally {
      await text.close();
      await byId.close();
    }
  });

  it('over graphql-ws, the admin exemption reads the credential the operation runs as, not the upgrade header', async () => {
    const url = await listening();
    const text = async (params: Record<string, string>, upgrade: Record<string, string>) => {
      const ws = await rawWs(url, upgrade);
      try {
        ws.send({ type: 'connection_init', payload: params });
        expect((await ws.next()).type).toBe('connection_ack');
        ws.send({ id: '1', type: 'subscribe', payload: { query: '{ me { role } }' } });
        return await ws.next();
      } finally {
        ws.socket.close();
      }
    };
    // A student's connection, with an admin's token on the upgrade request: not exempt.
    const student = await text({ Authorization: `Bearer ${studentToken}` }, { authorization: `Bearer ${adminToken}` });
    expect(student).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'TRUSTED_DOCUMENT_REQUIRED' } }] });
    // An admin's connection (either spelling) is.
    const admin = await text({ Authorization: `Bearer ${adminToken}` }, {});
    expect(admin).toMatchObject({ type: 'next', payload: { data: { me: { role: 'ADMIN' } } } });
  });

  it('counts deprecated usage of a document sent by id and returns the deprecation signals', async () => {
    const res = await send({ documentId: sha256(PROFILE) }, { ...bearer(studentToken), ...ios('3.2.0') });
    expect(res.data.me.name).toBe('Ada Student');
    expect(res.extensions?.deprecations).toEqual([
      { coordinate: 'User.name', replacement: 'firstName and lastName', sunset: '2027-06-01' },
    ]);
    await app.server.deprecationUsage.flush();
    const usage = await app.db.deprecatedFieldUsage.findMany({ where: { clientName: 'ios', clientVersion: '3.2.0' } });
    expect(usage.map((u) => [u.coordinate, Number(u.count)])).toEqual([['User.name', 1]]);
  });
});

describe('apiInfo(client, version) for a client team, without admin rights', () => {
  it("lists what the app's published documents and recorded usage still touch that is deprecated", async () => {
    const allow = serverWith({});
    await app.db.deprecatedFieldUsage.create({
      data: {
        coordinate: 'UpdateProfileInput.name',
        clientName: 'ios',
        clientVersion: '3.2.0',
        count: 7,
        firstSeenAt: new Date('2026-11-28T10:00:00Z'),
        lastSeenAt: new Date('2026-11-29T10:00:00Z'),
      },
    });
    const query = `query ($client: String, $version: String) {
      apiInfo(client: $client, version: $version) {
        client { name version }
        clientDeprecations {
          deprecation { coordinate replacement migration sunset pastSunset }
          operations usageCount lastUsedAt
        }
      }
    }`;
    // Not signed in.
    const res = await send({ query, variables: { client: 'ios', version: '3.2.0' } }, {}, allow);
    expect(res.errors).toBeUndefined();
    expect(res.data.apiInfo.client).toEqual({ name: 'ios', version: '3.2.0' });
    expect(res.data.apiInfo.clientDeprecations).toEqual([
      {
        deprecation: {
          coordinate: 'UpdateProfileInput.name',
          replacement: 'firstName and lastName',
          migration: 'Send firstName and lastName instead of name.',
          sunset: '2027-06-01',
          pastSunset: false,
        },
        operations: [],
        usageCount: 7,
        lastUsedAt: '2026-11-29T10:00:00.000Z',
      },
      {
        deprecation: {
          coordinate: 'User.name',
          replacement: 'firstName and lastName',
          migration: 'Select firstName and lastName; join them with a space where one string is shown.',
          sunset: '2027-06-01',
          pastSunset: false,
        },
        operations: ['Profile (3.2.0)'],
        usageCount: expect.any(Number),
        lastUsedAt: expect.any(String),
      },
    ]);
    // The headers name the client when the arguments do not; another app sees only its own.
    const own = await send({ query }, { 'graphql-client-name': 'relay-web', 'graphql-client-version': '1.0.0' }, allow);
    expect(own.data.apiInfo.clientDeprecations).toEqual([]);
    // The admin view keeps the totals across clients.
    const totals = await send({ query: '{ deprecatedUsage { coordinate clientName count } }' }, bearer(adminToken));
    expect(totals.data.deprecatedUsage).toEqual(
      expect.arrayContaining([{ coordinate: 'UpdateProfileInput.name', clientName: 'ios', count: 7 }]),
    );
  });
});

describe('UNSUPPORTED client versions', () => {
  const versions = { ios: { min: '3.0.0', deprecatedBelow: '3.2.0' } };

  it('get a header and an extension on every response, and are served under `warn`', async () => {
    const warn = serverWith({ versioning: { clientVersions: versions } });
    const res = await send({ query: '{ me { firstName } }' }, { ...bearer(studentToken), ...ios('2.9.0') }, warn);
    expect(res.data.me.firstName).toBe('Ada');
    expect(res.headers.get('client-version-status')).toBe('UNSUPPORTED');
    expect(res.headers.get('client-minimum-version')).toBe('3.0.0');
    expect(res.extensions?.clientVersion).toEqual({
      status: 'UNSUPPORTED',
      minimumVersion: '3.0.0',
      recommendedVersion: '3.2.0',
      message: 'Version 2.9.0 is no longer supported: update to 3.2.0 or later.',
    });
    // Also on a response that never ran (a parse error), and DEPRECATED versions are told too.
    const broken = await send({ query: '{ me { ' }, ios('2.9.0'), warn);
    expect(broken.extensions?.clientVersion.status).toBe('UNSUPPORTED');
    expect(broken.headers.get('client-version-status')).toBe('UNSUPPORTED');
    const old = await send({ query: '{ __typename }' }, ios('3.1.0'), warn);
    expect(old.headers.get('client-version-status')).toBe('DEPRECATED');
    const current = await send({ query: '{ __typename }' }, ios('3.2.0'), warn);
    expect(current.headers.get('client-version-status')).toBeNull();
    expect(current.extensions).toBeUndefined();
  });

  it('are refused with the minimum version under DEPRECATION_SUNSET_POLICY=reject, except apiInfo', async () => {
    const reject = serverWith({ versioning: { clientVersions: versions, sunsetPolicy: 'reject' } });
    const res = await send({ query: '{ me { firstName } }' }, { ...bearer(studentToken), ...ios('2.9.0') }, reject);
    // Refused before it runs: no data at all.
    expect(res.data).toBeUndefined();
    expect(res.errors).toEqual([
      expect.objectContaining({
        message: 'Version 2.9.0 is no longer supported: update to 3.2.0 or later.',
        extensions: {
          code: 'CLIENT_VERSION_UNSUPPORTED',
          client: 'ios',
          version: '2.9.0',
          minimumVersion: '3.0.0',
          recommendedVersion: '3.2.0',
        },
      }),
    ]);
    expect(res.headers.get('client-version-status')).toBe('UNSUPPORTED');
    const info = await send({ query: '{ apiInfo { client { status minimumVersion } } }' }, ios('2.9.0'), reject);
    expect(info.data.apiInfo.client).toEqual({ status: 'UNSUPPORTED', minimumVersion: '3.0.0' });
    const supported = await send(
      { query: '{ me { firstName } }' },
      { ...bearer(studentToken), ...ios('3.0.0') },
      reject,
    );
    expect(supported.data.me.firstName).toBe('Ada');
  });
});

describe('Link headers to the migration notes', () => {
  it('point with rel="deprecation" and rel="sunset" at a note the server serves', async () => {
    const allow = serverWith({});
    const res = await send(
      { query: 'query ($c: ID) { me { name } assignments(courseId: $c) { totalCount } }', variables: { c: null } },
      bearer(studentToken),
      allow,
    );
    expect(res.headers.get('deprecation')).toMatch(/^@\d+$/);
    const link = res.headers.get('link');
    expect(link).toBe(
      [
        '<http://test/deprecations/Query.assignments(courseId%3A)>; rel="deprecation"; type="application/json"',
        '<http://test/deprecations/Query.assignments(courseId%3A)>; rel="sunset"; type="application/json"',
        '<http://test/deprecations/User.name>; rel="deprecation"; type="application/json"',
        '<http://test/deprecations/User.name>; rel="sunset"; type="application/json"',
      ].join(', '),
    );
    const note = await allow.yoga.fetch(/<([^>]+User\.name)>/.exec(link ?? '')![1]!);
    expect(note.status).toBe(200);
    expect(await note.json()).toMatchObject({
      coordinate: 'User.name',
      replacement: 'firstName and lastName',
      migration: 'Select firstName and lastName; join them with a space where one string is shown.',
      sunset: '2027-06-01',
      url: 'http://test/deprecations/User.name',
    });
    const argNote = await allow.yoga.fetch('http://test/deprecations/Query.assignments(courseId%3A)');
    expect(await argNote.json()).toMatchObject({ coordinate: 'Query.assignments(courseId:)', kind: 'ARGUMENT' });
    const list = (await (await allow.yoga.fetch('http://test/deprecations')).json()) as { deprecations: unknown[] };
    expect(list.deprecations.length).toBeGreaterThanOrEqual(5);
    const missing = await allow.yoga.fetch('http://test/deprecations/User.firstName');
    expect(missing.status).toBe(404);
    // No deprecated coordinate touched: no Link.
    expect((await send({ query: '{ me { firstName } }' }, bearer(studentToken), allow)).headers.get('link')).toBeNull();
  });
});

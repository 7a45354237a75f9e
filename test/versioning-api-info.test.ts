import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { defaultVersioningConfig, type Config } from '../src/config.js';
import { printPublicSchema } from '../src/schema/index.js';
import { createTestApp, serverBeside, type TestApp } from './helpers/app.js';

let app: TestApp;
const dirs: string[] = [];
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const API_INFO = `{ apiInfo {
  schemaVersion unreleasedChanges sunsetPolicy
  deprecations { coordinate kind reason replacement deprecatedOn sunset migration pastSunset }
  changelog { date breaking { coordinate message } dangerous { message } safe { message } }
  client { name version status minimumVersion recommendedVersion message }
} }`;

/** A server on the test database with these versioning settings and schema folder. */
function serverWith(options: { versioning?: Partial<Config['versioning']>; schemaDir?: string } = {}) {
  const server = serverBeside(
    app,
    { versioning: { ...defaultVersioningConfig, ...options.versioning } },
    { schemaDir: options.schemaDir },
  );
  return async (headers: Record<string, string> = {}) => {
    const res = await server.yoga.fetch('http://test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: API_INFO }),
    });
    const body = (await res.json()) as { data?: any; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    return body.data.apiInfo;
  };
}

/** A schema folder with these releases (day → SDL) and changelog. */
async function schemaDir(releases: Record<string, string>, changelog?: string) {
  const dir = await mkdtemp(path.join(tmpdir(), 'schema-'));
  dirs.push(dir);
  await mkdir(path.join(dir, 'releases'));
  for (const [day, sdl] of Object.entries(releases)) await writeFile(path.join(dir, 'releases', `${day}.graphql`), sdl);
  if (changelog) await writeFile(path.join(dir, 'CHANGELOG.md'), changelog);
  return dir;
}

describe('apiInfo', () => {
  it("answers without sign-in from the repository's releases and changelog", async () => {
    const info = await serverWith()();
    const released = (await readdir(path.join(import.meta.dirname, '..', 'schema', 'releases'))).sort();
    expect(`${info.schemaVersion}.graphql`).toBe(released.at(-1));
    expect(info.changelog.map((r: { date: string }) => r.date)).toContain('2026-11-25');
    expect(info.sunsetPolicy).toBe('WARN');
  });

  it('is the latest release, and says when the running schema differs from it', async () => {
    const changelog =
      '## 2026-11-25\n\nFirst release.\n\n## 2027-01-10\n\n### Breaking\n\n- `User.email`: Field removed\n';
    const current = await serverWith({
      schemaDir: await schemaDir(
        { '2026-11-25': 'type Query { a: Int }', '2027-01-10': printPublicSchema() },
        changelog,
      ),
    })();
    expect(current).toMatchObject({ schemaVersion: '2027-01-10', unreleasedChanges: false });
    expect(current.changelog).toEqual([
      {
        date: '2027-01-10',
        breaking: [{ coordinate: 'User.email', message: 'Field removed' }],
        dangerous: [],
        safe: [],
      },
      { date: '2026-11-25', breaking: [], dangerous: [], safe: [] },
    ]);
    const behind = await serverWith({ schemaDir: await schemaDir({ '2026-11-25': 'type Query { a: Int }' }) })();
    expect(behind).toMatchObject({ schemaVersion: '2026-11-25', unreleasedChanges: true, changelog: [] });
    const never = await serverWith({ schemaDir: await schemaDir({}) })();
    expect(never).toMatchObject({ schemaVersion: null, unreleasedChanges: true });
  });

  it('lists every deprecation, and which are past their sunset at the time of the request', async () => {
    app.clock.now = new Date('2027-04-01T00:00:00Z');
    const info = await serverWith()();
    expect(info.deprecations.map((d: { coordinate: string }) => d.coordinate)).toEqual([
      'Assignment.dueDate',
      'Assignment.isCompleted',
      'AuditLog.after',
      'AuditLog.before',
      'AuthPayload.token',
      'JobRun.result',
      'OutboxEvent.payload',
      'Query.assignments(courseId:)',
      'UpdateProfileInput.name',
      'User.name',
    ]);
    expect(info.deprecations.find((d: { coordinate: string }) => d.coordinate === 'User.name')).toEqual({
      coordinate: 'User.name',
      kind: 'FIELD',
      reason: 'One string cannot be sorted or greeted by first name.',
      replacement: 'firstName and lastName',
      deprecatedOn: '2026-11-25',
      sunset: '2027-06-01',
      migration: 'Select firstName and lastName; join them with a space where one string is shown.',
      pastSunset: false,
    });
    expect(
      info.deprecations
        .filter((d: { pastSunset: boolean }) => d.pastSunset)
        .map((d: { coordinate: string }) => d.coordinate),
    ).toEqual(['Query.assignments(courseId:)']);
    app.clock.now = new Date();
  });

  describe('client status from CLIENT_VERSIONS and the client headers', () => {
    let apiInfo: ReturnType<typeof serverWith>;
    beforeAll(() => {
      apiInfo = serverWith({ versioning: { clientVersions: { ios: { min: '2.0.0', deprecatedBelow: '2.3.0' } } } });
    });
    const statusOf = async (headers: Record<string, string>) => (await apiInfo(headers)).client;
    const ios = (version: string) => ({ 'graphql-client-name': 'ios', 'graphql-client-version': version });

    it('is CURRENT from the recommended version on', async () => {
      expect(await statusOf(ios('2.3.0'))).toEqual({
        name: 'ios',
        version: '2.3.0',
        status: 'CURRENT',
        minimumVersion: '2.0.0',
        recommendedVersion: '2.3.0',
        message: 'Version 2.3.0 is current.',
      });
      expect((await statusOf(ios('2.10.1'))).status).toBe('CURRENT');
    });

    it('is DEPRECATED below the recommended version', async () => {
      expect(await statusOf(ios('2.2.9'))).toMatchObject({
        status: 'DEPRECATED',
        message: expect.stringContaining('update to 2.3.0'),
      });
    });

    it('is UNSUPPORTED below the minimum', async () => {
      expect(await statusOf(ios('1.9.0'))).toMatchObject({ status: 'UNSUPPORTED', minimumVersion: '2.0.0' });
    });

    it("reads Apollo Client's apollographql-client-name/-version too; graphql-client-* wins when both are sent", async () => {
      const apollo = { 'apollographql-client-name': 'ios', 'apollographql-client-version': '1.9.0' };
      expect(await statusOf(apollo)).toMatchObject({ name: 'ios', version: '1.9.0', status: 'UNSUPPORTED' });
      expect(await statusOf({ ...apollo, ...ios('2.3.0') })).toMatchObject({ version: '2.3.0', status: 'CURRENT' });
    });

    it('is UNKNOWN without headers, for a client not in the table, or a version that is not MAJOR.MINOR.PATCH', async () => {
      expect(await statusOf({})).toMatchObject({ name: null, version: null, status: 'UNKNOWN' });
      expect(await statusOf({ 'graphql-client-name': 'web', 'graphql-client-version': '1.0.0' })).toMatchObject({
        status: 'UNKNOWN',
      });
      expect(await statusOf(ios('2.3'))).toMatchObject({ status: 'UNKNOWN', minimumVersion: '2.0.0' });
    });
  });
});

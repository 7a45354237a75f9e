import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '../src/observability/logger.js';
import { publishDocumentsAsOperator } from '../src/versioning/documents/publish-documents.js';
import { retireAppVersionAsOperator } from '../src/versioning/documents/retire-app-version.js';
import { getSchema, printPublicSchema } from '../src/schema/index.js';
import {
  loadClientsFromDb,
  readClientsSnapshot,
  writeClientsSnapshot,
  type ClientDocument,
  type UsageRecord,
} from '../tools/versioning/client-documents.js';
import { checkSchemaChange, type ClientsOptions } from '../tools/versioning/check-schema-change.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

const OLD = `
type Query { me: User courses: [Course!]! }
type User {
  id: ID!
  name: String @deprecated(reason: "One string. Use firstName instead. Sunset: 2027-06-01.")
  firstName: String!
  age: Int
  email: String!
  status: Status!
}
enum Status { ACTIVE SUSPENDED }
type Course { id: ID! title: String! }
`;
/** After the sunset of User.name. */
const TODAY = '2027-06-10';

const edit = (from: string, to: string) => {
  if (!OLD.includes(from)) throw new Error(`not in OLD: ${from}`);
  return OLD.replace(from, to);
};
const REMOVE_NAME = edit(
  'name: String @deprecated(reason: "One string. Use firstName instead. Sunset: 2027-06-01.")',
  '',
);

const doc = (client: string, version: string, text: string): ClientDocument => ({
  client,
  version,
  id: `${client}-${version}-${/(query|mutation) (\w+)/.exec(text)?.[2]}`,
  operationName: /(query|mutation) (\w+)/.exec(text)?.[2] ?? null,
  text,
});
const PROFILE = doc('ios', '3.2.0', 'query Profile { me { id name } }');
const AGES = doc('android', '1.0.0', 'query Ages { me { age } }');
const CONTACT = doc('android', '1.0.0', 'query Contact { me { email } }');
const STATUS = doc('web', '2.0.0', 'query Status { me { status } }');
const HOME = doc('ios', '3.3.0', 'query Home { me { id firstName } courses { title } }');

/** Usage of User.name by one ios version on one day. */
const usage = (clientVersion: string, count: number, day: string): UsageRecord => ({
  coordinate: 'User.name',
  clientName: 'ios',
  clientVersion,
  day,
  count,
});

const check = (newSDL: string, clients: Partial<ClientsOptions>) =>
  checkSchemaChange(OLD, newSDL, TODAY, { documents: [], usage: [], ...clients });

describe('schema:check against the documents of active app versions', () => {
  it('refuses a removal that an active version still selects, naming client, version, operation and coordinate', async () => {
    const report = await check(REMOVE_NAME, { documents: [PROFILE, HOME] });
    expect(report.violations).toEqual([
      {
        coordinate: 'User.name',
        message:
          "Field 'name' (deprecated) was removed from object type 'User': still used by active app versions " +
          '(retire them, or ship versions that no longer use it, first): ' +
          'ios 3.2.0 Profile (id ios-3.2.0-Profile): Cannot query field "name" on type "User". Did you mean "age"?',
      },
    ]);
    expect(report.clients).toEqual({
      documents: 2,
      versions: ['ios 3.2.0', 'ios 3.3.0'],
      affected: [
        {
          level: 'breaking',
          coordinate: 'User.name',
          message: "Field 'name' (deprecated) was removed from object type 'User'",
          documents: ['ios 3.2.0 Profile (id ios-3.2.0-Profile)'],
        },
      ],
    });
  });

  it('refuses a type change of a field a document selects', async () => {
    const report = await check(edit('age: Int', 'age: String'), { documents: [AGES, HOME] });
    expect(report.violations).toEqual([
      {
        coordinate: 'User.age',
        message: expect.stringMatching(
          /^Field 'User\.age' changed type from 'Int' to 'String': still used by .*: android 1\.0\.0 Ages \(id android-1\.0\.0-Ages\)$/,
        ),
      },
    ]);
  });

  it('refuses a nullability change of a field a document selects', async () => {
    const report = await check(edit('email: String!', 'email: String'), { documents: [CONTACT, AGES] });
    expect(report.violations).toEqual([
      {
        coordinate: 'User.email',
        message: expect.stringMatching(
          /^Field 'User\.email' changed type from 'String!' to 'String': still used by .*: android 1\.0\.0 Contact \(id android-1\.0\.0-Contact\)$/,
        ),
      },
    ]);
    // Tightening an output (nullable to non-null) is safe.
    expect((await check(edit('age: Int', 'age: Int!'), { documents: [AGES] })).violations).toEqual([]);
  });

  it('passes once the version is retired (its documents are not loaded) and recorded usage is zero', async () => {
    expect((await check(REMOVE_NAME, { documents: [HOME] })).violations).toEqual([]);
    // Usage on days before the window does not count.
    const old = usage('3.1.0', 40, '2027-05-01');
    expect((await check(REMOVE_NAME, { documents: [HOME], usage: [old] })).violations).toEqual([]);
    // Recent usage refuses it, naming who.
    const recent = [usage('3.1.0', 5, '2027-06-08'), usage('3.1.0', 7, '2027-06-02')];
    expect((await check(REMOVE_NAME, { documents: [HOME], usage: [old, ...recent] })).violations).toEqual([
      {
        coordinate: 'User.name',
        message:
          "Field 'name' (deprecated) was removed from object type 'User': recorded usage of User.name in the last 30 days " +
          'is 12, above the threshold of 0: ios 3.1.0: 12 (last 2027-06-08).',
      },
    ]);
  });

  it('allows usage up to the threshold, over a configurable number of days', async () => {
    const recent = [usage('3.1.0', 3, '2027-06-08'), usage('3.0.0', 2, '2027-06-01')];
    expect((await check(REMOVE_NAME, { usage: recent, usageThreshold: 5 })).violations).toEqual([]);
    const over = await check(REMOVE_NAME, { usage: recent, usageThreshold: 4 });
    expect(over.violations[0]?.message).toContain(
      'is 5, above the threshold of 4: ios 3.1.0: 3 (last 2027-06-08), ios 3.0.0: 2',
    );
    // 40 days ago: outside the default 30 days, inside 60.
    const older = [usage('2.0.0', 9, '2027-05-01')];
    expect((await check(REMOVE_NAME, { usage: older })).violations).toEqual([]);
    expect((await check(REMOVE_NAME, { usage: older, usageDays: 60 })).violations[0]?.message).toContain(
      'in the last 60 days is 9',
    );
    // Before the sunset, usage does not matter: the sunset rule refuses it.
    const early = await checkSchemaChange(OLD, REMOVE_NAME, '2027-05-01', { documents: [], usage: [] });
    expect(early.violations[0]?.message).toContain('deprecated until its sunset on 2027-06-01');
  });

  it('reports dangerous changes with the clients they affect, and fails on them with --strict', async () => {
    const newSDL = edit('enum Status { ACTIVE SUSPENDED }', 'enum Status { ACTIVE SUSPENDED DELETED }');
    const report = await check(newSDL, { documents: [STATUS, HOME, AGES] });
    expect(report.dangerous).toEqual([
      { coordinate: 'Status.DELETED', message: "Enum value 'DELETED' was added to enum 'Status'" },
    ]);
    expect(report.clients?.affected).toEqual([
      {
        level: 'dangerous',
        coordinate: 'Status.DELETED',
        message: "Enum value 'DELETED' was added to enum 'Status'",
        documents: ['web 2.0.0 Status (id web-2.0.0-Status)'],
      },
    ]);
    expect(report.violations).toEqual([]);
    const strict = await check(newSDL, { documents: [STATUS, HOME], strict: true });
    expect(strict.violations).toEqual([
      {
        coordinate: 'Status.DELETED',
        message:
          "Enum value 'DELETED' was added to enum 'Status': may change what active app versions get (--strict): web 2.0.0 Status (id web-2.0.0-Status).",
      },
    ]);
  });

  it('lets a deprecated input field go when documents only pass its type in variables (their values are counted as usage)', async () => {
    const withInput = `${OLD}
      type Mutation { updateProfile(input: ProfileInput!): User }
      input ProfileInput { firstName: String name: String @deprecated(reason: "Split. Use firstName instead. Sunset: 2027-06-01.") }`;
    const without = withInput.replace(
      'name: String @deprecated(reason: "Split. Use firstName instead. Sunset: 2027-06-01.")',
      '',
    );
    const byVariable = doc(
      'ios',
      '3.3.0',
      'mutation Save($input: ProfileInput!) { updateProfile(input: $input) { id } }',
    );
    const literal = doc('ios', '3.2.0', 'mutation Rename { updateProfile(input: { name: "Ada L" }) { id } }');
    const run = (documents: ClientDocument[], records: UsageRecord[] = []) =>
      checkSchemaChange(withInput, without, TODAY, { documents, usage: records });
    expect((await run([byVariable])).violations).toEqual([]);
    expect((await run([byVariable, literal])).violations).toEqual([
      {
        coordinate: 'ProfileInput.name',
        message: expect.stringContaining('ios 3.2.0 Rename (id ios-3.2.0-Rename)'),
      },
    ]);
    const sent = { ...usage('3.3.0', 2, '2027-06-09'), coordinate: 'ProfileInput.name' };
    expect((await run([byVariable], [sent])).violations[0]?.message).toContain('ios 3.3.0: 2 (last 2027-06-09)');
  });

  it('fails on a document that stops validating for a change the diff rates lower', async () => {
    // A new required argument on a field a document selects without it.
    const newSDL = edit('courses: [Course!]!', 'courses(term: String!): [Course!]!');
    const report = await check(newSDL, { documents: [HOME] });
    expect(report.violations.map((v) => v.message)).toEqual([
      expect.stringContaining('ios 3.3.0 Home (id ios-3.3.0-Home)'),
    ]);
  });
});

describe('where schema:check finds the clients', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('loads the active versions from the database and round-trips them through the snapshot file', async () => {
    const ctx = { db: database.db, now: () => new Date(), events: { notify() {} }, logger: createLogger('silent') };
    const schema = getSchema();
    const text = (name: string) => `query ${name} { me { id firstName } }`;
    const manifest = (...names: string[]) => Object.fromEntries(names.map((n) => [`custom-${n}`, text(n)]));
    await publishDocumentsAsOperator(ctx, { client: 'ios', version: '3.1.0', manifest: manifest('Old'), schema });
    await publishDocumentsAsOperator(ctx, { client: 'ios', version: '3.2.0', manifest: manifest('Home'), schema });
    await retireAppVersionAsOperator(ctx, { client: 'ios', version: '3.1.0' });
    await database.db.deprecatedFieldUsageDay.create({
      data: {
        coordinate: 'User.name',
        clientName: 'ios',
        clientVersion: '3.1.0',
        day: new Date('2027-06-02'),
        count: 4,
      },
    });
    const loaded = await loadClientsFromDb(database.db);
    expect(loaded).toEqual({
      documents: [{ client: 'ios', version: '3.2.0', id: 'custom-Home', operationName: 'Home', text: text('Home') }],
      usage: [
        {
          coordinate: 'User.name',
          clientName: 'ios',
          clientVersion: '3.1.0',
          day: '2027-06-02',
          count: 4,
        },
      ],
    });
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'snapshot-')), 'trusted-documents.json');
    await writeClientsSnapshot(loaded, file);
    expect(await readClientsSnapshot(file)).toEqual(loaded);
    expect(await readClientsSnapshot(path.join(path.dirname(file), 'missing.json'))).toBeNull();
  });

  it('npm run schema:check fails naming the app version whose document the code no longer serves', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'snapshot-')), 'trusted-documents.json');
    await writeClientsSnapshot(
      { documents: [doc('ios', '9.9.9', 'query Legacy { me { id nickname } }')], usage: [] },
      file,
    );
    const run = promisify(execFile)('npx', ['tsx', 'scripts/schema-check.ts', '--documents', file], {
      env: { ...process.env, DATABASE_URL: '' },
    });
    const failure = (await run.then(
      () => null,
      (err: unknown) => err,
    )) as { code: number; stdout: string } | null;
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toContain(`Clients from ${file}: 1 documents of 1 active app versions`);
    expect(failure?.stdout).toContain(
      'REFUSED (document): ios 9.9.9 Legacy (id ios-9.9.9-Legacy) no longer validates: Cannot query field "nickname" on type "User".',
    );
  });
});

describe("the project's own client in CI: the example app", () => {
  it('schema/trusted-documents.json holds the example app as it is built (npm run example:snapshot)', async () => {
    const manifest = JSON.parse(
      await readFile(new URL('../examples/app/src/gql/persisted-documents.json', import.meta.url), 'utf8'),
    ) as Record<string, string>;
    const version = (
      JSON.parse(await readFile(new URL('../examples/app/package.json', import.meta.url), 'utf8')) as {
        version: string;
      }
    ).version;
    const committed = await readClientsSnapshot();
    const app = committed?.documents.filter((d) => d.client === 'examples-app') ?? [];
    expect(app.map((d) => [d.version, d.id, d.text]).sort()).toEqual(
      Object.entries(manifest)
        .map(([id, text]) => [version, id, text])
        .sort(),
    );
  });

  it('removing a field the example app selects fails, past its sunset too, naming the app version and operation', async () => {
    const committed = await readClientsSnapshot();
    const sdl = printPublicSchema();
    // User.name: deprecated, sunset 2027-06-01; the example app's HomeScreen still greets with it.
    const removed = sdl.replace(/\n\s*"""The full name, "First Last"\."""\n\s*name: String! @deprecated[^\n]*\n/, '\n');
    expect(removed).not.toBe(sdl);
    const report = await checkSchemaChange(sdl, removed, '2027-06-02', {
      documents: committed?.documents ?? [],
      usage: [],
    });
    expect(report.violations).toEqual([
      expect.objectContaining({
        coordinate: 'User.name',
        message: expect.stringMatching(/still used by active app versions.*examples-app 1\.0\.0 HomeScreen/),
      }),
    ]);
  });
});

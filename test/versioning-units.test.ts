import SchemaBuilder from '@pothos/core';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'graphql';
import { ConfigError, loadConfig } from '../src/config.js';
import { getSchema } from '../src/schema/index.js';
import { parseChangelog, renderChangelogEntry } from '../src/versioning/changelog.js';
import { clientStanding, parseVersion } from '../src/versioning/client-status.js';
import { deprecatedCoordinatesOf } from '../src/versioning/collect-usage.js';
import { deprecated, sunsetFromReason } from '../src/versioning/deprecate.js';
import { schemaElements } from '../src/versioning/elements.js';
import { DeprecationRegistry } from '../src/versioning/registry.js';

const spec = {
  reason: 'Open is two states.',
  replacement: 'UPCOMING or OVERDUE',
  deprecatedOn: '2026-11-25',
  sunset: '2027-01-01',
  migration: 'Ask for both.',
};

/** A small schema built the way src/schema builds it, with a deprecation of every kind. */
function fixtureSchema() {
  // Plugin options are typed globally (prisma, scopeAuth); this builder uses no plugin.
  const builder = new SchemaBuilder({} as never);
  const Status = builder.enumType('Status', { values: { OPEN: { ...deprecated(spec) }, UPCOMING: {}, OVERDUE: {} } });
  const Filter = builder.inputType('Filter', {
    fields: (t) => ({
      status: t.field({ type: Status, required: false }),
      open: t.boolean({ required: false, ...deprecated({ ...spec, replacement: 'status' }) }),
    }),
  });
  const Group = builder.inputType('Group', {
    fields: (t) => ({ all: t.field({ type: [Filter], required: false }) }),
  });
  const Item = builder.objectRef<{ title: string }>('Item').implement({
    fields: (t) => ({
      title: t.exposeString('title'),
      label: t.string({ ...deprecated({ ...spec, replacement: 'title' }), resolve: (i) => i.title }),
    }),
  });
  builder.queryType({
    fields: (t) => ({
      items: t.field({
        type: [Item],
        args: {
          filter: t.arg({ type: Filter, required: false }),
          group: t.arg({ type: Group, required: false }),
          first: t.arg.int({ required: false, ...deprecated({ ...spec, replacement: 'filter' }) }),
        },
        resolve: () => [],
      }),
    }),
  });
  return builder.toSchema();
}

describe('deprecated() and the registry', () => {
  it('writes the replacement and the sunset into the standard reason', () => {
    const options = deprecated(spec);
    expect(options.deprecationReason).toBe('Open is two states. Use UPCOMING or OVERDUE instead. Sunset: 2027-01-01.');
    expect(sunsetFromReason(options.deprecationReason)).toBe('2027-01-01');
  });

  it('refuses a malformed deprecation when the schema is built', () => {
    expect(() => deprecated({ ...spec, sunset: '2027-02-30' })).toThrow(/YYYY-MM-DD/);
    expect(() => deprecated({ ...spec, sunset: '2026-11-25' })).toThrow(/must come after/);
    expect(() => deprecated({ ...spec, replacement: ' ' })).toThrow(/replacement/);
  });

  it('keys every deprecation by its schema coordinate, for each kind of element', () => {
    const registry = DeprecationRegistry.of(fixtureSchema());
    expect(registry.all().map((e) => [e.coordinate, e.kind])).toEqual([
      ['Filter.open', 'INPUT_FIELD'],
      ['Item.label', 'FIELD'],
      ['Query.items(first:)', 'ARGUMENT'],
      ['Status.OPEN', 'ENUM_VALUE'],
    ]);
  });

  it("holds every @deprecated of the API's schema (none is declared any other way)", () => {
    const schema = getSchema();
    const inSchema = schemaElements(schema)
      .filter((e) => e.deprecationReason !== null)
      .map((e) => e.coordinate);
    expect(
      DeprecationRegistry.of(schema)
        .all()
        .map((e) => e.coordinate),
    ).toEqual(inSchema.sort());
    expect(inSchema).toEqual([
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
  });
});

describe('deprecatedCoordinatesOf', () => {
  const schema = fixtureSchema();
  const registry = DeprecationRegistry.of(schema);
  const touched = (query: string, variables?: Record<string, unknown>, operationName?: string) =>
    deprecatedCoordinatesOf(registry, schema, parse(query), operationName, variables);

  it('finds fields, arguments, input fields and enum values written in the document', () => {
    expect(touched('{ items(first: 1, filter: { open: true, status: OPEN }) { label } }')).toEqual([
      'Filter.open',
      'Item.label',
      'Query.items(first:)',
      'Status.OPEN',
    ]);
    expect(touched('{ items(filter: { status: UPCOMING }) { title } }')).toEqual([]);
  });

  it('finds input fields and enum values reached through variables, however nested', () => {
    const query = 'query ($f: Filter, $g: Group) { items(filter: $f, group: $g) { title } }';
    expect(touched(query, { g: { all: [{ status: 'UPCOMING' }, { open: false }] } })).toEqual(['Filter.open']);
    expect(touched(query, { f: { status: 'OPEN' } })).toEqual(['Status.OPEN']);
    expect(touched(query, { f: { status: 'UPCOMING' } })).toEqual([]);
  });

  it('walks a document once, and still reads the variables of every request', () => {
    // The same DocumentNode, as Yoga's parse cache hands it out for every request of a query.
    const document = parse(`
      query A($f: Filter) { items(filter: $f) { title } }
      query B { items { label } }`);
    const of = (operationName: string, variables?: Record<string, unknown>) =>
      deprecatedCoordinatesOf(registry, schema, document, operationName, variables);
    expect(of('A', { f: { status: 'OPEN' } })).toEqual(['Status.OPEN']);
    expect(of('A', { f: { open: true } })).toEqual(['Filter.open']);
    expect(of('A', {})).toEqual([]);
    expect(of('B')).toEqual(['Item.label']);
    expect(of('A', { f: { status: 'OPEN', open: false } })).toEqual(['Filter.open', 'Status.OPEN']);
  });

  it('follows fragments, nested and inline, and reads only the operation that runs', () => {
    const document = `
      query A { items { ...One } }
      query B { items { title } }
      fragment One on Item { ...Two }
      fragment Two on Item { ... on Item { label } }`;
    expect(touched(document, {}, 'A')).toEqual(['Item.label']);
    expect(touched(document, {}, 'B')).toEqual([]);
  });
});

describe('changelog', () => {
  it('reads back what it writes, newest first', () => {
    const first = renderChangelogEntry({ date: '2026-11-25', breaking: [], dangerous: [], safe: [] }, true);
    const second = renderChangelogEntry(
      {
        date: '2027-06-01',
        breaking: [
          { coordinate: 'User.name', message: "Field 'name' (deprecated) was removed from object type 'User'" },
        ],
        dangerous: [],
        safe: [{ coordinate: null, message: "Type 'Foo' was added" }],
      },
      false,
    );
    expect(parseChangelog(`# Schema changelog\n\n${first}\n${second}`)).toEqual([
      {
        date: '2027-06-01',
        breaking: [
          { coordinate: 'User.name', message: "Field 'name' (deprecated) was removed from object type 'User'" },
        ],
        dangerous: [],
        safe: [{ coordinate: null, message: "Type 'Foo' was added" }],
      },
      { date: '2026-11-25', breaking: [], dangerous: [], safe: [] },
    ]);
  });
});

describe('client versions', () => {
  const table = { ios: { min: '2.0.0', deprecatedBelow: '2.3.0' } };
  const status = (name: string | null, version: string | null) => clientStanding(table, { name, version }).status;

  it('reads only strict MAJOR.MINOR.PATCH', () => {
    expect(parseVersion('2.10.0')).toEqual([2, 10, 0]);
    for (const bad of ['2.1', 'v2.1.0', '2.1.0-beta', '02.1.0', ' 2.1.0', '2.1.0.1'])
      expect(parseVersion(bad)).toBeNull();
  });

  it('compares numerically and case-insensitively by name', () => {
    expect(status('iOS', '2.10.0')).toBe('CURRENT');
    expect(status('ios', '2.3.0')).toBe('CURRENT');
    expect(status('ios', '2.2.9')).toBe('DEPRECATED');
    expect(status('ios', '1.99.0')).toBe('UNSUPPORTED');
    expect(status('ios', 'beta')).toBe('UNKNOWN');
    expect(status('web', '1.0.0')).toBe('UNKNOWN');
    expect(status(null, null)).toBe('UNKNOWN');
  });

  it('is configured by CLIENT_VERSIONS, validated with a message naming the problem', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (err) {
        if (err instanceof ConfigError) return err.problems;
        throw err;
      }
    };
    expect(loadConfig({}).versioning).toEqual({
      sunsetPolicy: 'warn',
      clientVersions: {},
      usageFlushIntervalMs: 30_000,
    });
    expect(
      loadConfig({ CLIENT_VERSIONS: JSON.stringify(table), DEPRECATION_SUNSET_POLICY: 'reject' }).versioning,
    ).toMatchObject({ sunsetPolicy: 'reject', clientVersions: table });
    expect(problems({ CLIENT_VERSIONS: '{ios:' })).toEqual([
      expect.stringMatching(/^CLIENT_VERSIONS must be JSON such as/),
    ]);
    expect(problems({ CLIENT_VERSIONS: '{"ios":{"min":"2.0","deprecatedBelow":"2.3.0"}}' })).toEqual([
      'CLIENT_VERSIONS.ios.min must be a version MAJOR.MINOR.PATCH such as 2.3.0',
    ]);
    expect(problems({ CLIENT_VERSIONS: '{"ios":{"min":"2.3.0","deprecatedBelow":"2.0.0"}}' })).toEqual([
      'CLIENT_VERSIONS.ios.deprecatedBelow must not be below min',
    ]);
    expect(problems({ CLIENT_VERSIONS: '{"ios":{"min":"2.0.0"}}' })).toHaveLength(1);
    expect(problems({ DEPRECATION_SUNSET_POLICY: 'ignore' })).toEqual([
      expect.stringMatching(/^DEPRECATION_SUNSET_POLICY /),
    ]);
  });
});

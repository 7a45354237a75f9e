import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { printPublicSchema } from '../src/schema/index.js';
import { parseChangelog } from '../src/versioning/changelog.js';
import { planRelease } from '../tools/versioning/plan-release.js';
import { checkSchemaChange } from '../tools/versioning/check-schema-change.js';

const TODAY = '2026-12-01';
const fixtures = path.join(import.meta.dirname, 'fixtures', 'schemas');

/** Runs the policy on the fixture pair `test/fixtures/schemas/<name>/{old,new}.graphql`. */
async function check(name: string, today = TODAY) {
  const read = (file: string) => readFile(path.join(fixtures, name, file), 'utf8');
  return checkSchemaChange(await read('old.graphql'), await read('new.graphql'), today);
}

describe('checkSchemaChange (the deprecation policy schema:check applies)', () => {
  it('refuses removing a deprecated field before its sunset', async () => {
    const report = await check('removed-before-sunset');
    expect(report.breaking).toEqual([expect.objectContaining({ coordinate: 'User.name' })]);
    expect(report.violations).toEqual([
      { coordinate: 'User.name', message: expect.stringContaining('deprecated until its sunset on 2027-06-01') },
    ]);
  });

  it('allows removing a deprecated field from its sunset day on', async () => {
    const report = await check('removed-after-sunset');
    expect(report.breaking).toHaveLength(1);
    expect(report.violations).toEqual([]);
    // The sunset day itself counts; the day before does not.
    expect((await check('removed-after-sunset', '2026-11-30')).violations).toEqual([]);
    expect((await check('removed-after-sunset', '2026-11-29')).violations).toHaveLength(1);
  });

  it('lists a new nullable field as safe', async () => {
    const report = await check('new-nullable-field');
    expect(report).toEqual({
      breaking: [],
      dangerous: [],
      safe: [
        { coordinate: 'User.timezone', message: "Field 'timezone' was added to object type 'User'" },
        { coordinate: 'User.timezone', message: "Field 'User.timezone' has description 'IANA time zone.'" },
      ],
      violations: [],
    });
  });

  it('refuses making an argument required', async () => {
    const report = await check('argument-made-required');
    expect(report.breaking).toEqual([
      { coordinate: 'Query.assignments(courseId:)', message: expect.stringContaining("'ID' to 'ID!'") },
    ]);
    expect(report.violations).toEqual([
      { coordinate: 'Query.assignments(courseId:)', message: expect.stringContaining('was not deprecated') },
    ]);
  });

  it('refuses a deprecation without a sunset day', async () => {
    const report = await check('deprecation-without-sunset');
    expect(report.breaking).toEqual([]);
    expect(report.violations).toEqual([
      { coordinate: 'User.lastName', message: expect.stringContaining('without a sunset day') },
    ]);
  });

  it('refuses removing a field that was never deprecated', async () => {
    const report = await check('removed-without-deprecation');
    expect(report.violations).toEqual([
      { coordinate: 'User.email', message: expect.stringContaining('was not deprecated') },
    ]);
  });

  it('applies the same rule to arguments, input fields and enum values', async () => {
    expect((await check('argument-removed-after-sunset')).violations).toEqual([]);
    expect((await check('enum-value-removed-after-sunset')).violations).toEqual([]);
    const input = await check('input-field-removed-before-sunset');
    expect(input.violations).toEqual([
      { coordinate: 'UpdateProfileInput.name', message: expect.stringContaining('until its sunset on 2027-06-01') },
    ]);
  });

  it("passes on the code's own schema: every deprecation names its sunset", async () => {
    const sdl = printPublicSchema();
    expect(await checkSchemaChange(sdl, sdl, TODAY)).toEqual({ breaking: [], dangerous: [], safe: [], violations: [] });
  });
});

describe('planRelease (what schema:release writes)', () => {
  const read = (name: string, file: string) => readFile(path.join(fixtures, name, file), 'utf8');
  const release = (date: string, sdl: string) => ({ date, file: `${date}.graphql`, sdl });

  it('starts the changelog with the first release', async () => {
    const sdl = await read('removed-before-sunset', 'old.graphql');
    const plan = await planRelease({ previous: null, sdl, date: '2026-11-25', today: '2026-11-25', changelog: '' });
    expect(plan.changelog).toMatch(/^# Schema changelog\n[\s\S]*\n## 2026-11-25\n\nFirst release/);
    expect(parseChangelog(plan.changelog)).toEqual([{ date: '2026-11-25', breaking: [], dangerous: [], safe: [] }]);
  });

  it("appends a release's changes, grouped, once the policy allows them", async () => {
    const previous = release('2026-11-25', await read('removed-after-sunset', 'old.graphql'));
    const sdl = await read('removed-after-sunset', 'new.graphql');
    const plan = await planRelease({
      previous,
      sdl,
      date: '2026-12-01',
      today: '2026-12-01',
      changelog: '# Schema changelog\n',
    });
    expect(parseChangelog(plan.changelog)).toEqual([
      {
        date: '2026-12-01',
        breaking: [
          { coordinate: 'User.name', message: "Field 'name' (deprecated) was removed from object type 'User'" },
        ],
        dangerous: [],
        safe: [],
      },
    ]);
  });

  it('refuses a removal before its sunset, no change, an old or a future date', async () => {
    const old = await read('removed-before-sunset', 'old.graphql');
    const previous = release('2026-11-25', old);
    const plan = (sdl: string, date: string, today = '2026-12-01') =>
      planRelease({ previous, sdl, date, today, changelog: '' });
    await expect(plan(await read('removed-before-sunset', 'new.graphql'), '2026-12-01')).rejects.toThrow(
      /deprecation policy refuses[\s\S]*until its sunset on 2027-06-01/,
    );
    await expect(plan(old, '2026-12-01')).rejects.toThrow(/nothing changed since the release of 2026-11-25/);
    const changed = await read('new-nullable-field', 'new.graphql');
    await expect(plan(changed, '2026-11-25')).rejects.toThrow(/must come after/);
    await expect(plan(changed, '2027-06-01')).rejects.toThrow(/cannot be dated after today/);
  });
});

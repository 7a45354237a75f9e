// Compares the schema the code prints with the latest release in schema/releases (and, with
// `--against <git ref>`, with that ref's schema.graphql) and applies the deprecation policy
// (tools/versioning/schema-check.ts). Exit 1 on a violation. `--today YYYY-MM-DD` sets the day.
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { printPublicSchema } from '../src/schema/index.js';
import type { ChangeLine } from '../src/versioning/changelog.js';
import { dayOf } from '../src/versioning/dates.js';
import { readReleases } from '../src/versioning/releases.js';
import { checkSchemaChange } from '../tools/versioning/schema-check.js';

const { values } = parseArgs({ options: { against: { type: 'string' }, today: { type: 'string' } } });
const today = values.today ?? dayOf(new Date());
const code = printPublicSchema();

const baselines: { label: string; sdl: string }[] = [];
const latest = (await readReleases()).at(-1);
if (latest) baselines.push({ label: `release ${latest.date}`, sdl: latest.sdl });
else console.log('No release in schema/releases yet: checking deprecations only.');
if (values.against) {
  const sdl = execFileSync('git', ['show', `${values.against}:schema.graphql`], { encoding: 'utf8' });
  baselines.push({ label: `${values.against}:schema.graphql`, sdl });
}
if (baselines.length === 0) baselines.push({ label: 'itself', sdl: code });

const show = (title: string, lines: ChangeLine[]) => {
  console.log(`  ${title} (${lines.length})`);
  for (const l of lines) console.log(`    - ${l.coordinate ? `${l.coordinate}: ` : ''}${l.message}`);
};

let violations = 0;
for (const baseline of baselines) {
  const report = await checkSchemaChange(baseline.sdl, code, today);
  console.log(`\nThe code's schema against ${baseline.label} (today ${today}):`);
  show('breaking', report.breaking);
  show('dangerous', report.dangerous);
  show('safe', report.safe);
  for (const v of report.violations) console.log(`  REFUSED ${v.message}`);
  violations += report.violations.length;
}
if (violations > 0) {
  console.error(
    `\nschema:check failed: ${violations} change(s) the deprecation policy does not allow (README: Evolving the schema).`,
  );
  process.exit(1);
}
console.log('\nschema:check passed.');

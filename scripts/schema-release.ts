// Releases the schema the code prints: writes schema/releases/<date>.graphql and appends the changes
// since the previous release to schema/CHANGELOG.md. `--date YYYY-MM-DD` (default: today, UTC; not later).
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fail, readArguments } from './lib/command.js';

const usage = `Usage: npm run schema:release [-- --date YYYY-MM-DD]
Writes schema/releases/<date>.graphql (the code's schema) and its changes in schema/CHANGELOG.md.
The date defaults to today (UTC) and may not be later; refused when the policy is not met.`;
const { values } = readArguments(usage, { options: { date: { type: 'string' } } });

const { printPublicSchema } = await import('../src/schema/index.js');
const { dayOf } = await import('../src/versioning/dates.js');
const { planRelease } = await import('../tools/versioning/plan-release.js');
const { defaultSchemaDir, readReleases } = await import('../src/versioning/releases.js');

const today = dayOf(new Date());
const date = values.date ?? today;
const changelogFile = path.join(defaultSchemaDir, 'CHANGELOG.md');
const releaseFile = path.join(defaultSchemaDir, 'releases', `${date}.graphql`);

try {
  const sdl = printPublicSchema();
  const previous = (await readReleases()).at(-1) ?? null;
  const changelog = await readFile(changelogFile, 'utf8').catch(() => '');
  const plan = await planRelease({ previous, sdl, date, today, changelog });
  await mkdir(path.dirname(releaseFile), { recursive: true });
  await writeFile(releaseFile, sdl);
  await writeFile(changelogFile, plan.changelog);
  const { breaking, dangerous, safe } = plan.report;
  console.log(`released ${path.relative(process.cwd(), releaseFile)}`);
  console.log(
    previous
      ? `changes since ${previous.date}: ${breaking.length} breaking, ${dangerous.length} dangerous, ${safe.length} safe (schema/CHANGELOG.md)`
      : 'first release (schema/CHANGELOG.md)',
  );
} catch (err) {
  fail(`schema:release refused: ${err instanceof Error ? err.message : String(err)}`);
}

// Releases the schema the code prints: writes schema/releases/<date>.graphql and appends the changes
// since the previous release to schema/CHANGELOG.md. `--date YYYY-MM-DD` (default: today, UTC; not later).
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { printPublicSchema } from '../src/schema/index.js';
import { dayOf } from '../src/versioning/dates.js';
import { planRelease } from '../tools/versioning/plan-release.js';
import { defaultSchemaDir, readReleases } from '../src/versioning/releases.js';

const { values } = parseArgs({ options: { date: { type: 'string' } } });
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
  console.error(`schema:release refused: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}

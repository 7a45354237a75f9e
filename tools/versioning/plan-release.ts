import { CHANGELOG_HEADER, renderChangelogEntry } from '../../src/versioning/changelog.js';
import { parseDay } from '../../src/versioning/dates.js';
import type { Release } from '../../src/versioning/releases.js';
import { canonicalSdl } from '../../src/versioning/releases.js';
import { checkSchemaChange, type SchemaChangeReport } from './check-schema-change.js';

export interface ReleasePlan {
  /** The new CHANGELOG.md, with this release's section appended. */
  changelog: string;
  /** The changes since the previous release, checked against the deprecation policy. */
  report: SchemaChangeReport;
}

/**
 * What `npm run schema:release` writes for `sdl` released on `date`: refused (an Error naming why)
 * when the date is in the future or not after the latest release, nothing changed, or the policy
 * is violated (as of the release date).
 */
export async function planRelease(options: {
  previous: Release | null;
  sdl: string;
  date: string;
  /** The real day: a release cannot be dated later (that would let a removal pass its sunset early). */
  today: string;
  changelog: string;
}): Promise<ReleasePlan> {
  const { previous, sdl, date } = options;
  if (!parseDay(date)) throw new Error(`--date must be YYYY-MM-DD, got ${date}`);
  if (date > options.today) throw new Error(`a release cannot be dated after today (${options.today})`);
  if (previous && date <= previous.date)
    throw new Error(`the latest release is ${previous.date}: a new one must come after it`);
  if (previous && canonicalSdl(previous.sdl) === canonicalSdl(sdl)) {
    throw new Error(`nothing changed since the release of ${previous.date}`);
  }
  // The first release has nothing to compare with; its deprecations are still checked.
  const report = await checkSchemaChange(previous?.sdl ?? sdl, sdl, date);
  if (report.violations.length > 0) {
    throw new Error(
      `the deprecation policy refuses this release:\n${report.violations.map((v) => `  - ${v.message}`).join('\n')}`,
    );
  }
  const base = options.changelog.trim() ? options.changelog.trimEnd() + '\n' : CHANGELOG_HEADER;
  const entry = { date, breaking: report.breaking, dangerous: report.dangerous, safe: report.safe };
  return { changelog: `${base}\n${renderChangelogEntry(entry, previous === null)}`, report };
}

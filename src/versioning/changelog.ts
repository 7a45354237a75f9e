/**
 * schema/CHANGELOG.md: one section per release, written by `npm run schema:release` and read back
 * by `apiInfo`. The format is plain Markdown that this module both writes and parses:
 *
 *   ## 2027-01-10
 *   ### Breaking
 *   - `User.name`: Field 'name' was removed from object type 'User'
 */

export type ChangeGroup = 'breaking' | 'dangerous' | 'safe';

/** One change between two releases, as @graphql-inspector/core describes it. */
export interface ChangeLine {
  /** The schema coordinate it concerns, when there is one. */
  coordinate: string | null;
  message: string;
}

export interface ChangelogEntry {
  /** The release day, `YYYY-MM-DD`. */
  date: string;
  breaking: ChangeLine[];
  dangerous: ChangeLine[];
  safe: ChangeLine[];
}

export const CHANGELOG_HEADER = `# Schema changelog

Releases of the public schema (\`schema/releases/<date>.graphql\`) and what changed since the
previous one, as reported by @graphql-inspector/core. Written by \`npm run schema:release\`;
\`apiInfo\` serves it. Do not edit by hand.
`;

const TITLES: Record<ChangeGroup, string> = { breaking: 'Breaking', dangerous: 'Dangerous', safe: 'Safe' };

function renderLine(line: ChangeLine): string {
  return line.coordinate ? `- \`${line.coordinate}\`: ${line.message}` : `- ${line.message}`;
}

/** The Markdown section of one release. */
export function renderChangelogEntry(entry: ChangelogEntry, first: boolean): string {
  const parts = [`## ${entry.date}`, ''];
  const groups = (Object.keys(TITLES) as ChangeGroup[]).filter((g) => entry[g].length > 0);
  if (first) parts.push('First release: the schema as it stands.', '');
  else if (groups.length === 0) parts.push('No changes.', '');
  for (const group of groups) parts.push(`### ${TITLES[group]}`, '', ...entry[group].map(renderLine), '');
  return parts.join('\n');
}

/** The releases in a changelog, newest first. */
export function parseChangelog(markdown: string): ChangelogEntry[] {
  const entries: ChangelogEntry[] = [];
  let entry: ChangelogEntry | null = null;
  let group: ChangeGroup | null = null;
  for (const raw of markdown.split('\n')) {
    const line = raw.trimEnd();
    const release = /^## (\d{4}-\d{2}-\d{2})$/.exec(line);
    if (release) {
      entry = { date: release[1]!, breaking: [], dangerous: [], safe: [] };
      entries.push(entry);
      group = null;
      continue;
    }
    const heading = /^### (Breaking|Dangerous|Safe)$/.exec(line);
    if (heading) {
      group = heading[1]!.toLowerCase() as ChangeGroup;
      continue;
    }
    const item = /^- (?:`([^`]+)`: )?(.+)$/.exec(line);
    if (item && entry && group) entry[group].push({ coordinate: item[1] ?? null, message: item[2]! });
  }
  return entries.sort((a, b) => b.date.localeCompare(a.date));
}

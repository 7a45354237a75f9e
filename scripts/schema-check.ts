// Compares the schema the code prints with the latest release in schema/releases (and, with
// `--against <git ref>`, with that ref's schema.graphql) and applies the deprecation policy
// (tools/versioning/check-schema-change.ts) and what the clients use: the documents of every active app
// version and the recorded usage of deprecated coordinates, from the database when DATABASE_URL is
// set, else from schema/trusted-documents.json (`--documents FILE` for another snapshot).
// Exit 1 on a violation. `--today YYYY-MM-DD` sets the day; `--usage-days N` (30) and
// `--usage-threshold N` (0) the usage rule; `--strict` fails on dangerous changes clients see.
import { execFileSync } from 'node:child_process';
import type { ChangeLine } from '../src/versioning/changelog.js';
import type { ClientsSnapshot } from '../tools/versioning/client-documents.js';
import type { ClientsOptions } from '../tools/versioning/check-schema-change.js';
import { fail, readArguments, usageError } from './lib/command.js';

const usage = `Usage: npm run schema:check [-- --against REF] [--today YYYY-MM-DD] [--documents FILE]
                                  [--usage-days N] [--usage-threshold N] [--strict]
Compares the code's schema with the latest release (and REF's schema.graphql) under the
deprecation policy and what clients use (DATABASE_URL, else schema/trusted-documents.json).
Exit status 1 on a violation (docs/versioning.md).`;
const { values } = readArguments(usage, {
  options: {
    against: { type: 'string' },
    today: { type: 'string' },
    documents: { type: 'string' },
    'usage-days': { type: 'string' },
    'usage-threshold': { type: 'string' },
    strict: { type: 'boolean', default: false },
  },
});
const count = (name: 'usage-days' | 'usage-threshold', fallback: number) => {
  const text = values[name];
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) usageError(usage, `--${name} must be a whole number, got ${text}`);
  return n;
};
const usageDays = count('usage-days', 30);
const usageThreshold = count('usage-threshold', 0);

const { loadConfig } = await import('../src/config.js');
const { createPrisma } = await import('../src/db/client.js');
const { printPublicSchema } = await import('../src/schema/index.js');
const { dayOf } = await import('../src/versioning/dates.js');
const { readReleases } = await import('../src/versioning/releases.js');
const { loadClientsFromDb, readClientsSnapshot } = await import('../tools/versioning/client-documents.js');
const { checkSchemaChange } = await import('../tools/versioning/check-schema-change.js');

const today = values.today ?? dayOf(new Date());
const code = printPublicSchema();

// What the clients use: the database when configured, else the committed snapshot.
const databaseUrl = values.documents ? null : loadConfig(process.env).databaseUrl;
let snapshot: ClientsSnapshot | null = null;
let source: string | null = null;
if (databaseUrl) {
  const db = createPrisma({ url: databaseUrl, poolSize: 1 });
  try {
    // A database the server has never migrated (a CI scratch database) holds no clients: use the snapshot.
    const [row] = await db.$queryRaw<{ found: string | null }[]>`SELECT to_regclass('"AppVersion"')::text AS found`;
    if (row?.found) {
      snapshot = await loadClientsFromDb(db);
      source = 'the database (DATABASE_URL)';
    } else {
      console.log('DATABASE_URL has no trusted-documents tables (not migrated): using the committed snapshot.');
    }
  } finally {
    await db.$disconnect();
  }
}
if (source === null) {
  snapshot = await readClientsSnapshot(values.documents);
  source = values.documents ?? 'schema/trusted-documents.json';
}
const clients: ClientsOptions | undefined = snapshot
  ? {
      ...snapshot,
      usageDays,
      usageThreshold,
      strict: values.strict,
    }
  : undefined;
if (clients) {
  const versions = new Set(clients.documents.map((d) => `${d.client} ${d.version}`));
  console.log(
    `Clients from ${source}: ${clients.documents.length} documents of ${versions.size} active app versions, ` +
      `${clients.usage.length} daily usage records (window: the last ${clients.usageDays} days, threshold ${clients.usageThreshold}${clients.strict ? ', strict' : ''}).`,
  );
} else {
  console.log(`No client documents (${source} not found): checking the schema alone.`);
}

const baselines: { label: string; sdl: string }[] = [];
const latest = (await readReleases()).at(-1);
if (latest) baselines.push({ label: `release ${latest.date}`, sdl: latest.sdl });
else console.log('No release in schema/releases yet: checking deprecations only.');
if (values.against) {
  let sdl: string;
  try {
    sdl = execFileSync('git', ['show', `${values.against}:schema.graphql`], { encoding: 'utf8', stdio: 'pipe' });
  } catch {
    fail(`--against ${values.against}: git has no schema.graphql at that ref.`);
  }
  baselines.push({ label: `${values.against}:schema.graphql`, sdl });
}
if (baselines.length === 0) baselines.push({ label: 'itself', sdl: code });

const show = (title: string, lines: ChangeLine[]) => {
  console.log(`  ${title} (${lines.length})`);
  for (const l of lines) console.log(`    - ${l.coordinate ? `${l.coordinate}: ` : ''}${l.message}`);
};

let violations = 0;
for (const baseline of baselines) {
  const report = await checkSchemaChange(baseline.sdl, code, today, clients);
  console.log(`\nThe code's schema against ${baseline.label} (today ${today}):`);
  show('breaking', report.breaking);
  show('dangerous', report.dangerous);
  show('safe', report.safe);
  for (const a of report.clients?.affected ?? []) {
    console.log(`  ${a.level} change ${a.coordinate ?? ''} affects: ${a.documents.join('; ')}`);
  }
  for (const v of report.violations) console.log(`  REFUSED ${v.coordinate}: ${v.message}`);
  violations += report.violations.length;
}
if (violations > 0) {
  console.error(
    `\nschema:check failed: ${violations} change(s) the deprecation policy does not allow (docs/versioning.md).`,
  );
  // exitCode, not exit(): a piped stdout is written out before the process ends.
  process.exitCode = 1;
} else {
  console.log('\nschema:check passed.');
}

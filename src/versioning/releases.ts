import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildSchema, lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { parseChangelog, type ChangelogEntry } from './changelog.js';

/** The repository's schema/ folder: releases/ and CHANGELOG.md. */
export const defaultSchemaDir = path.join(import.meta.dirname, '..', '..', 'schema');

export interface Release {
  /** The release day, `YYYY-MM-DD`, which is also the schema version. */
  date: string;
  file: string;
  sdl: string;
}

const RELEASE_FILE = /^(\d{4}-\d{2}-\d{2})\.graphql$/;

/** The dated snapshots in `<dir>/releases`, oldest first. */
export async function readReleases(dir = defaultSchemaDir): Promise<Release[]> {
  const folder = path.join(dir, 'releases');
  const names = await readdir(folder).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  const dated = names.filter((n) => RELEASE_FILE.test(n)).sort();
  return Promise.all(
    dated.map(async (name) => {
      const file = path.join(folder, name);
      return { date: name.slice(0, 10), file, sdl: await readFile(file, 'utf8') };
    }),
  );
}

/** The releases recorded in `<dir>/CHANGELOG.md`, newest first (none when it does not exist). */
export async function readChangelog(dir = defaultSchemaDir): Promise<ChangelogEntry[]> {
  const text = await readFile(path.join(dir, 'CHANGELOG.md'), 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw err;
  });
  return parseChangelog(text);
}

/** SDL in one canonical form (sorted, printed), so that equal schemas compare equal as text. */
export function canonicalSdl(schema: GraphQLSchema | string): string {
  const built = typeof schema === 'string' ? buildSchema(schema) : schema;
  return printSchema(lexicographicSortSchema(built));
}

/** What `apiInfo` says about the schema's version and history. */
export interface SchemaHistory {
  /** The latest release day; null before the first release. */
  version: string | null;
  /** True when the running schema is not the latest release. */
  unreleasedChanges: boolean;
  changelog: ChangelogEntry[];
}

/** Reads releases and changelog from `dir` and compares the latest release with `schema`. */
export async function loadSchemaHistory(schema: GraphQLSchema, dir = defaultSchemaDir): Promise<SchemaHistory> {
  const [releases, changelog] = await Promise.all([readReleases(dir), readChangelog(dir)]);
  const latest = releases.at(-1) ?? null;
  return {
    version: latest?.date ?? null,
    unreleasedChanges: latest === null || canonicalSdl(latest.sdl) !== canonicalSdl(schema),
    changelog,
  };
}

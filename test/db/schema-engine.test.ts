// The schema-engine bridge (prisma/engine/schema-engine.mjs) behind the real Prisma CLI, on real
// PostgreSQL: DATABASE_URL names the server (default postgresql://postgres@127.0.0.1:5432/test);
// the test works in scratch databases of its own and drops them afterwards.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = path.join(ROOT, 'node_modules', 'prisma', 'build', 'index.js');
const SHIM = path.join(ROOT, 'prisma', 'engine', 'schema-engine.mjs');
const SERVER = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/test';
const BRIDGE_APPLICATION_NAME = 'prisma-schema-engine-wasm-bridge';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function withDatabase(url: string, database: string): string {
  const next = new URL(url);
  next.pathname = `/${database}`;
  return next.href;
}

async function query<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let work: string; // temp dir: schema.prisma, migrations/, prisma.config.ts
let dbName: string;
let dbUrl: string;

/** Runs the real CLI with the bridge, on the scratch database. */
function prisma(
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<Run> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    DATABASE_URL: dbUrl,
    PRISMA_SCHEMA_ENGINE_BINARY: SHIM,
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    NO_COLOR: '1',
    ...options.env,
  };
  delete env.NODE_OPTIONS; // jest's --experimental-vm-modules
  delete env.PRISMA_NATIVE_ENGINE;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: options.cwd ?? ROOT, env, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const withConfig = (...args: string[]) => [...args, '--config', path.join(work, 'prisma.config.ts')];
const out = (run: Run) => `exit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;

async function databasesLike(pattern: string): Promise<string[]> {
  const rows = await query<{ datname: string }>(SERVER, 'SELECT datname FROM pg_database WHERE datname LIKE $1', [
    pattern,
  ]);
  return rows.map((r) => r.datname);
}

async function listMigrations(): Promise<string[]> {
  const entries = await fs.readdir(path.join(work, 'migrations'), { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

async function addMigration(name: string, sql: string): Promise<string> {
  await fs.mkdir(path.join(work, 'migrations', name), { recursive: true });
  await fs.writeFile(path.join(work, 'migrations', name, 'migration.sql'), sql);
  return name;
}

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'schema-engine-test-'));
  dbName = `engine_test_${randomBytes(5).toString('hex')}`;
  dbUrl = withDatabase(SERVER, dbName);
  await query(SERVER, `CREATE DATABASE "${dbName}"`);

  await fs.copyFile(path.join(ROOT, 'prisma', 'schema.prisma'), path.join(work, 'schema.prisma'));
  await fs.writeFile(
    path.join(work, 'prisma.config.ts'),
    `process.env.PRISMA_SCHEMA_ENGINE_BINARY = ${JSON.stringify(SHIM)};\n` +
      `export default { schema: 'schema.prisma', migrations: { path: 'migrations' }, datasource: { url: process.env.DATABASE_URL } };\n`,
  );

  // The repo's migrations when there are any; otherwise one generated from the schema.
  const repoMigrations = path.join(ROOT, 'prisma', 'migrations');
  const hasRepoMigrations = (await fs.readdir(repoMigrations, { withFileTypes: true }).catch(() => [])).some((e) =>
    e.isDirectory(),
  );
  if (hasRepoMigrations) {
    await fs.cp(repoMigrations, path.join(work, 'migrations'), { recursive: true });
  } else {
    const diff = await prisma(
      withConfig('migrate', 'diff', '--from-empty', '--to-schema', path.join(work, 'schema.prisma'), '--script'),
    );
    if (diff.code !== 0) throw new Error(`could not generate an initial migration:\n${out(diff)}`);
    await addMigration('00000000000000_init', diff.stdout);
    await fs.writeFile(path.join(work, 'migrations', 'migration_lock.toml'), 'provider = "postgresql"\n');
  }
}, 60_000);

afterAll(async () => {
  if (dbName) await query(SERVER, `DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  if (work) await fs.rm(work, { recursive: true, force: true });
});

describe('schema-engine bridge (prisma CLI on @prisma/schema-engine-wasm)', () => {
  it('is the engine prisma.config.ts selects (prisma -v)', async () => {
    const run = await prisma(['-v'], { env: { PRISMA_SCHEMA_ENGINE_BINARY: undefined } });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Schema Engine\s*:\s*schema-engine-cli \w+ \(wasm bridge/);
    expect(run.stdout).toContain(path.join('prisma', 'engine', 'schema-engine.mjs'));
  }, 30_000);

  it('migrate deploy applies the migrations and records the native checksums', async () => {
    const run = await prisma(withConfig('migrate', 'deploy'));
    expect(run.code).toBe(0);
    const names = await listMigrations();
    for (const name of names) expect(run.stdout).toContain(`Applying migration \`${name}\``);

    const rows = await query<{
      migration_name: string;
      checksum: string;
      finished: boolean;
      logs: string | null;
      applied_steps_count: number;
    }>(
      dbUrl,
      'SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, logs, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    for (const row of rows) {
      const sql = await fs.readFile(path.join(work, 'migrations', row.migration_name, 'migration.sql'), 'utf8');
      expect(row).toEqual({
        migration_name: row.migration_name,
        checksum: sha256(sql),
        finished: true,
        logs: null,
        applied_steps_count: 1,
      });
    }

    const status = await prisma(withConfig('migrate', 'status'));
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('Database schema is up to date!');
  }, 30_000);

  it('migrate diff --exit-code: 0 in sync, 2 after a schema change; the shadow database is dropped', async () => {
    const shadowsBefore = await databasesLike('prisma_migrate_shadow_db_%');
    const migrations = path.join(work, 'migrations');
    const diffAgainst = (schemaFile: string) =>
      prisma(
        withConfig(
          'migrate',
          'diff',
          '--from-migrations',
          migrations,
          '--to-schema',
          path.join(work, schemaFile),
          '--exit-code',
        ),
      );

    const same = await diffAgainst('schema.prisma');
    expect({ code: same.code, out: out(same) }).toEqual({
      code: 0,
      out: expect.stringContaining('No difference detected'),
    });

    const schema = await fs.readFile(path.join(work, 'schema.prisma'), 'utf8');
    const changed = schema.replace(/(\nmodel User \{\n)/, '$1  bridgeProbe String?\n');
    expect(changed).not.toBe(schema);
    await fs.writeFile(path.join(work, 'changed.prisma'), changed);
    const diff = await diffAgainst('changed.prisma');
    expect({ code: diff.code, out: out(diff) }).toEqual({
      code: 2,
      out: expect.stringContaining('Added column `bridgeProbe`'),
    });

    const leftover = (await databasesLike('prisma_migrate_shadow_db_%')).filter((d) => !shadowsBefore.includes(d));
    expect(leftover).toEqual([]);
  }, 30_000);

  it('applies a hand-written migration with a $$ function body and an INCLUDE index as one script', async () => {
    const sql = `CREATE TABLE "BridgeProbe" (id integer PRIMARY KEY, title text, "deletedAt" timestamp(3));

-- covering index: no Prisma syntax for INCLUDE
CREATE INDEX "BridgeProbe_live_cover_idx" ON "BridgeProbe"(id) INCLUDE (title) WHERE ("deletedAt" IS NULL);

CREATE FUNCTION bridge_probe_label(p integer) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  label text;
BEGIN
  SELECT title INTO label FROM "BridgeProbe" WHERE id = p;
  RETURN coalesce(label, 'none; really');
END;
$$;
`;
    const name = await addMigration('99990101000000_bridge_handwritten', sql);
    const run = await prisma(withConfig('migrate', 'deploy'));
    expect({ code: run.code, out: out(run) }).toEqual({
      code: 0,
      out: expect.stringContaining(`Applying migration \`${name}\``),
    });

    const [index] = await query<{ indexdef: string }>(
      dbUrl,
      `SELECT indexdef FROM pg_indexes WHERE indexname = 'BridgeProbe_live_cover_idx'`,
    );
    expect(index?.indexdef).toMatch(/INCLUDE \(title\) WHERE \("deletedAt" IS NULL\)/);
    const [call] = await query<{ label: string }>(dbUrl, 'SELECT bridge_probe_label(1) AS label');
    expect(call?.label).toBe('none; really');
    const [row] = await query<{ checksum: string }>(
      dbUrl,
      'SELECT checksum FROM _prisma_migrations WHERE migration_name = $1',
      [name],
    );
    expect(row?.checksum).toBe(sha256(sql));
  }, 30_000);

  it('reports a failing migration as P3018 and leaves nothing half-applied', async () => {
    const name = await addMigration(
      '99990102000000_bridge_broken',
      'CREATE TABLE "BridgeHalf" (id integer);\nSELEC 1;\n',
    );
    const run = await prisma(withConfig('migrate', 'deploy'));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('P3018');
    expect(run.stderr).toContain(`Migration name: ${name}`);
    expect(run.stderr).toContain('syntax error at or near "SELEC"');
    const [table] = await query<{ t: string | null }>(dbUrl, `SELECT to_regclass('"BridgeHalf"')::text AS t`);
    expect(table?.t).toBeNull();

    // The bridge processes are gone and left no connection behind.
    let connections = -1;
    for (let i = 0; i < 20 && connections !== 0; i++) {
      if (i) await new Promise((r) => setTimeout(r, 100));
      const [c] = await query<{ n: number }>(
        SERVER,
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = $2',
        [dbName, BRIDGE_APPLICATION_NAME],
      );
      connections = c!.n;
    }
    expect(connections).toBe(0);
  }, 30_000);
});

import { requireAdmin } from '../access.js';
import type { DomainContext } from '../domain-context.js';

export interface IndexHealth {
  table: string;
  index: string;
  sizeBytes: number;
  /** Index scans since the statistics were last reset. */
  scans: number;
  /** Index entries returned by those scans. */
  tuplesRead: number;
  /** No scan since the last stats reset: a candidate for dropping, unless it enforces a constraint. */
  unused: boolean;
  /** Primary key or unique: needed for the constraint even if never scanned. */
  enforcesConstraint: boolean;
  /** The CREATE INDEX statement. */
  definition: string;
}

export interface TableHealth {
  table: string;
  liveRows: number;
  deadRows: number;
  sizeBytes: number;
  lastVacuum: Date | null;
  lastAutovacuum: Date | null;
  lastAnalyze: Date | null;
  lastAutoanalyze: Date | null;
}

export interface StatementHealth {
  query: string;
  calls: number;
  meanMs: number;
  totalMs: number;
  rows: number;
}

export interface DatabaseHealth {
  /** When this database's statistics were last reset (null: never, since the cluster started). */
  statsResetAt: Date | null;
  indexes: IndexHealth[];
  tables: TableHealth[];
  slowStatements: { available: boolean; reason: string | null; statements: StatementHealth[] };
}

interface IndexRow {
  table: string;
  index: string;
  size: bigint;
  scans: bigint;
  tuples_read: bigint;
  constraint: boolean;
  definition: string;
}
interface TableRow {
  table: string;
  live: bigint;
  dead: bigint;
  size: bigint;
  last_vacuum: Date | null;
  last_autovacuum: Date | null;
  last_analyze: Date | null;
  last_autoanalyze: Date | null;
}

const SLOWEST = 10;

/**
 * Admin only: the index-usage analysis as a query. Per index of the application's schema (the
 * current schema, so Prisma's _prisma_migrations is included): size, scans, tuples read, unused
 * since the stats reset; per table: live/dead rows, size, last (auto)vacuum and analyze; the
 * SLOWEST statements by mean time when the pg_stat_statements extension is installed and
 * preloaded, otherwise `available: false` and why. Statistics are per server and approximate
 * (each backend flushes its counters at most once a second).
 */
export async function getDatabaseHealth(ctx: DomainContext): Promise<DatabaseHealth> {
  requireAdmin(ctx);
  const [indexes, tables, reset] = await Promise.all([
    ctx.db.$queryRaw<IndexRow[]>`
      SELECT s.relname AS "table", s.indexrelname AS "index", pg_relation_size(s.indexrelid) AS size,
        s.idx_scan AS scans, s.idx_tup_read AS tuples_read, (i.indisunique OR i.indisprimary) AS "constraint",
        pg_get_indexdef(s.indexrelid) AS definition
      FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid
      WHERE s.schemaname = current_schema()
      ORDER BY s.idx_scan, pg_relation_size(s.indexrelid) DESC, s.indexrelname`,
    ctx.db.$queryRaw<TableRow[]>`
      SELECT relname AS "table", n_live_tup AS live, n_dead_tup AS dead, pg_total_relation_size(relid) AS size,
        last_vacuum, last_autovacuum, last_analyze, last_autoanalyze
      FROM pg_stat_user_tables WHERE schemaname = current_schema()
      ORDER BY relname`,
    ctx.db.$queryRaw<{ reset: Date | null }[]>`
      SELECT stats_reset AS reset FROM pg_stat_database WHERE datname = current_database()`,
  ]);
  return {
    statsResetAt: reset[0]?.reset ?? null,
    indexes: indexes.map((r) => ({
      table: r.table,
      index: r.index,
      sizeBytes: Number(r.size),
      scans: Number(r.scans),
      tuplesRead: Number(r.tuples_read),
      unused: Number(r.scans) === 0,
      enforcesConstraint: r.constraint,
      definition: r.definition,
    })),
    tables: tables.map((r) => ({
      table: r.table,
      liveRows: Number(r.live),
      deadRows: Number(r.dead),
      sizeBytes: Number(r.size),
      lastVacuum: r.last_vacuum,
      lastAutovacuum: r.last_autovacuum,
      lastAnalyze: r.last_analyze,
      lastAutoanalyze: r.last_autoanalyze,
    })),
    slowStatements: await slowStatements(ctx),
  };
}

async function slowStatements(ctx: DomainContext): Promise<DatabaseHealth['slowStatements']> {
  const [ext] = await ctx.db.$queryRaw<{ installed: boolean; preloaded: boolean }[]>`
    SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements') AS installed,
      'pg_stat_statements' = ANY(string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ',')) AS preloaded`;
  if (!ext?.preloaded) {
    return {
      available: false,
      reason: 'pg_stat_statements is not available: add it to shared_preload_libraries and restart PostgreSQL.',
      statements: [],
    };
  }
  if (!ext.installed) {
    return {
      available: false,
      reason: 'pg_stat_statements is not available: run CREATE EXTENSION pg_stat_statements in this database.',
      statements: [],
    };
  }
  try {
    const rows = await ctx.db.$queryRaw<
      { query: string; calls: bigint; mean: number; total: number; rows: bigint }[]
    >`SELECT query, calls, mean_exec_time AS mean, total_exec_time AS total, rows
      FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      ORDER BY mean_exec_time DESC LIMIT ${SLOWEST}`;
    return {
      available: true,
      reason: null,
      statements: rows.map((r) => ({
        query: r.query,
        calls: Number(r.calls),
        meanMs: r.mean,
        totalMs: r.total,
        rows: Number(r.rows),
      })),
    };
  } catch (err) {
    return {
      available: false,
      reason: `pg_stat_statements is not available: ${err instanceof Error ? err.message : String(err)}`,
      statements: [],
    };
  }
}

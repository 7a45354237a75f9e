import { expect } from '@jest/globals';
import type { Db } from '../../src/db/client.js';

/** The tables of the three task kinds: a read of them must never scan a whole table. */
export const TASK_TABLES = ['Assignment', 'Lecture', 'StudySession'];

/** One node of PostgreSQL's JSON plan. */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** Every node of the plan of `sql` with its bind parameters, depth first. */
export async function planNodes(db: Db, sql: string, params: unknown[] = []): Promise<PlanNode[]> {
  const rows = await db.$queryRawUnsafe<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(
    `EXPLAIN (FORMAT JSON) ${sql}`,
    ...params,
  );
  const plan = rows[0]!['QUERY PLAN'][0].Plan;
  if (process.env.SHOW_PLANS === '2') console.log(sql, JSON.stringify(plan, null, 1));
  const out: PlanNode[] = [];
  const walk = (node: PlanNode) => {
    out.push(node);
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(plan);
  return out;
}

/**
 * EXPLAINs each recorded read (SELECT or WITH) that names one of `tables`; fails on a sequential
 * scan of a task table; returns the names of the indexes the plans use (SHOW_PLANS=1 prints them).
 */
export async function indexesUsed(
  db: Db,
  statements: { sql: string; params: string }[],
  tables: readonly string[] = TASK_TABLES,
): Promise<string[]> {
  const reads = statements.filter(
    (s) => /^(SELECT|WITH)/i.test(s.sql.trim()) && tables.some((t) => s.sql.includes(`"${t}"`)),
  );
  expect(reads.length).toBeGreaterThan(0);
  const indexes: string[] = [];
  for (const { sql, params } of reads) {
    const nodes = await planNodes(db, sql, JSON.parse(params) as unknown[]);
    const seqScans = nodes.filter(
      (n) => n['Node Type'] === 'Seq Scan' && TASK_TABLES.includes(n['Relation Name'] ?? ''),
    );
    expect({ sql, seqScans }).toEqual({ sql, seqScans: [] });
    indexes.push(...nodes.flatMap((n) => (n['Index Name'] ? [n['Index Name']] : [])));
  }
  if (process.env.SHOW_PLANS) console.log(indexes.join('\n'));
  return indexes;
}

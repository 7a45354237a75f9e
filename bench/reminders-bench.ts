// npm run bench:reminders — the reminders job over the bench data set (bench/seed.ts: 2,000
// students and ~1M assignments at scale 1). Inside one transaction that is rolled back at the end,
// so the data set is left as it was:
//   1. a first run at "now": every reminder due in the next lead time (a replica catching up);
//   2. then runs one minute apart: one minute's window each (the steady state the cron runs);
// each with its time, statements and reminders written, and the plan of the query that finds them.
// Options: --scale <n> (default 1), --minutes <steady-state runs, default 5>, --db <url>.
import { performance } from 'node:perf_hooks';
import { createPrisma } from '../src/db/client.js';
import { remindersJob } from '../src/jobs/reminders.js';
import { seedDatabase } from './seed.js';
import { optionValue } from './args.js';

const argv = process.argv.slice(2);
const value = (name: string) => optionValue(name, argv);
const scale = Number(value('scale') ?? 1);
const minutes = Number(value('minutes') ?? 5);
const log = (m: string) => console.log(`[bench:reminders] ${m}`);

function databaseUrl(): string {
  const explicit = value('db') ?? process.env.BENCH_DATABASE_URL;
  if (explicit) return explicit;
  const url = new URL(process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres');
  // The same database as `npm run bench` at scale 1 (reused when it matches), else its own.
  url.pathname = scale === 1 ? '/sp_bench' : `/sp_bench_reminders_${String(scale).replace('.', '_')}`;
  return url.toString();
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}
const walk = (n: PlanNode, out: PlanNode[] = []): PlanNode[] => {
  out.push(n);
  for (const c of n.Plans ?? []) walk(c, out);
  return out;
};

class Rollback extends Error {}

async function main() {
  const url = databaseUrl();
  const data = await seedDatabase({ url, scale, seed: 42, log });
  log(`${data.students} students, ${data.assignments.toLocaleString('en-US')} assignments`);
  const statements: { sql: string; params: string }[] = [];
  const db = createPrisma({ url, poolSize: 2, onQuery: (sql, params) => statements.push({ sql, params }) });
  const rows: string[][] = [];
  const job = remindersJob();
  let findQuery: { sql: string; params: string } | undefined;
  try {
    await db
      .$transaction(
        async (tx) => {
          const start = new Date();
          // Warm-up: a run where nothing is due (connection, statement preparation, caches).
          await job.run(tx, new Date('2001-01-01T00:00:00Z'));
          for (let i = 0; i <= minutes; i++) {
            const now = new Date(start.getTime() + i * 60_000);
            statements.length = 0;
            const t0 = performance.now();
            const result = await job.run(tx, now);
            const ms = performance.now() - t0;
            findQuery ??= statements.find((s) => s.sql.includes('INSERT INTO "Reminder"'));
            rows.push([
              i === 0 ? 'first run (catch-up: the next lead time)' : `minute ${i} (one minute's window)`,
              ms.toFixed(1),
              String(statements.length),
              String(result.reminders),
              String(result.notifications),
            ]);
          }
          if (findQuery) {
            const plan = await tx.$queryRawUnsafe<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(
              `EXPLAIN (FORMAT JSON) ${findQuery.sql}`,
              ...(JSON.parse(findQuery.params) as unknown[]),
            );
            const nodes = walk(plan[0]!['QUERY PLAN'][0].Plan);
            const indexes = [...new Set(nodes.flatMap((n) => (n['Index Name'] ? [n['Index Name']] : [])))];
            const seq = nodes.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name']);
            log(`plan: indexes ${indexes.join(', ')}; sequential scans: ${seq.length ? seq.join(', ') : 'none'}`);
          }
          throw new Rollback();
        },
        { timeout: 600_000, maxWait: 10_000 },
      )
      .catch((err: unknown) => {
        if (!(err instanceof Rollback)) throw err;
      });
  } finally {
    await db.$disconnect();
  }
  const head = ['run', 'ms', 'statements', 'reminders', 'notification rows'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  console.log(
    `\nscale ${scale}: ${data.students} students, ${data.assignments.toLocaleString('en-US')} assignments (rolled back)`,
  );
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}

await main();

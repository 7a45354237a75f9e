// npm run bench:analytics: the admin analytics and databaseHealth queries over the bench data set.
// Seeds (or reuses) its own database with bench/seed.ts, adds activity days and first purchases,
// then times each query through the app (Yoga in process, no HTTP) and counts its SQL statements.
// Prints a table; no assertions (figures, not tests).
import { performance } from 'node:perf_hooks';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createPrisma } from '../src/db/client.js';
import { rollupAnalyticsJob } from '../src/jobs/rollup-analytics.js';
import { runJob } from '../src/jobs/runner.js';
import { createLogger } from '../src/observability/logger.js';
import { commandLine, databaseUrl, markdownTable, percentile, withClient } from './common.js';
import { seedDatabase } from './seed.js';

const cli = commandLine(`
npm run bench:analytics [-- options]: the admin analytics and databaseHealth queries, timed over
the bench data set in its own database (sp_bench_analytics_<scale>, kept for the next run)

  --scale <n>   data set size (default 0.1; 1 is the full bench data set)
  --runs <n>    timed runs per query (default 20)
  --help        this text`);
const SCALE = cli.number('scale', 0.1);
const RUNS = cli.number('runs', 20);
// Its own database (it adds activity, purchases and an admin): never the shared sp_bench.
const url = databaseUrl(`sp_bench_analytics_${String(SCALE).replace('.', '_')}`);
const log = (m: string) => console.log(m);

const info = await seedDatabase({ url, scale: SCALE, seed: 1, log });
const anchor = new Date(info.anchor);
const DAY = 86_400_000;

// Activity on ~40% of the last 90 days per student, and a first purchase for one in ten: plain
// SQL, deterministic (hashes, not random()), idempotent (ON CONFLICT / NOT EXISTS).
const { admin, counts } = await withClient(url, async (client) => {
  await client.query(
    `INSERT INTO "UserActivityDay" ("day", "userId")
   SELECT d::date, u."id" FROM "User" u, generate_series($1::timestamp - interval '90 days', $1::timestamp, interval '1 day') d
   WHERE abs(hashtext(u."id"::text || d::text)) % 10 < 4
   ON CONFLICT DO NOTHING`,
    [anchor],
  );
  await client.query(
    `INSERT INTO "WebhookEvent" ("id", "provider", "externalId", "type", "payload", "userId", "eventAt", "outcome", "processedAt", "updatedAt")
   SELECT gen_random_uuid(), 'revenuecat', 'bench-' || u."id", 'INITIAL_PURCHASE', '{}'::jsonb, u."id",
     $1::timestamp - (abs(hashtext(u."id"::text)) % 90) * interval '1 day', 'APPLIED', now(), now()
   FROM "User" u WHERE abs(hashtext(u."id"::text || 'buy')) % 10 = 0
   ON CONFLICT DO NOTHING`,
    [anchor],
  );
  await client.query('DELETE FROM "AnalyticsDay"');
  await client.query('ANALYZE "UserActivityDay"; ANALYZE "WebhookEvent"');
  const admin = await client.query<{ id: string }>(`SELECT "id" FROM "User" ORDER BY "id" LIMIT 1`);
  await client.query(`UPDATE "User" SET "role" = 'ADMIN' WHERE "id" = $1`, [admin.rows[0]!.id]);
  return {
    admin,
    counts: await client.query<{ t: string; n: string }>(
      `SELECT 'activity days' AS t, count(*)::text AS n FROM "UserActivityDay"
   UNION ALL SELECT 'first purchases', count(*)::text FROM "WebhookEvent"`,
    ),
  };
});

let statements = 0;
const db = createPrisma({ url, poolSize: 4, preparedStatements: true, onQuery: () => statements++ });
const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123456789' });
const app = buildApp({ config, db, logger: createLogger('silent') });
const token = await app.tokens.issue(admin.rows[0]!.id);

const gql = async (query: string, variables: Record<string, unknown>) => {
  const res = await app.server.yoga.fetch('http://bench/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
};

const ANALYTICS = `query($from: DateTime!, $to: DateTime!, $g: AnalyticsGranularity!) {
  analytics(from: $from, to: $to, granularity: $g) {
    activeUsers buckets { start signUps activeUsers assignmentsCreated lecturesCreated studySessionsCreated assignmentsCompleted premiumConversions }
  } }`;
const HEALTH = `{ databaseHealth { statsResetAt indexes { index scans unused sizeBytes } tables { table liveRows deadRows } slowStatements { available reason } } }`;
const iso = (ms: number) => new Date(ms).toISOString();
const scenarios = [
  {
    name: 'analytics DAY, last 90 days',
    query: ANALYTICS,
    vars: { from: iso(anchor.getTime() - 90 * DAY), to: iso(anchor.getTime() + DAY), g: 'DAY' },
  },
  {
    name: 'analytics WEEK, last 52 weeks',
    query: ANALYTICS,
    vars: { from: iso(anchor.getTime() - 364 * DAY), to: iso(anchor.getTime() + DAY), g: 'WEEK' },
  },
  { name: 'databaseHealth', query: HEALTH, vars: {} },
];

const rows: string[][] = [];
const measure = async (variant: string, only?: string) => {
  for (const s of scenarios) {
    if (only && s.name !== only) continue;
    await gql(s.query, s.vars); // warm-up: the viewer lookup is cached after it
    statements = 0;
    await gql(s.query, s.vars);
    const perRequest = statements;
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await gql(s.query, s.vars);
      times.push(performance.now() - t0);
    }
    rows.push([
      s.name,
      variant,
      String(perRequest),
      percentile(times, 50).toFixed(1),
      percentile(times, 95).toFixed(1),
    ]);
  }
};
await measure('base tables (no rollup)');
// The rollup job, as the app runs it, until it has caught up (the anchor day is "now").
const job = rollupAnalyticsJob();
const rollupStart = performance.now();
let runs = 0;
for (;;) {
  const r = await runJob({ db, logger: createLogger('silent') }, job, () => new Date(anchor.getTime() + DAY));
  runs++;
  if (!r || r.error || r.rowsTouched <= 3) break;
}
const rollupMs = performance.now() - rollupStart;
await measure('rolled up (AnalyticsDay)');
await app.stop();
await db.$disconnect();

console.log(
  `\nscale ${SCALE}: ${info.students} students, ${info.assignments} assignments, ${info.lectures} lectures, ` +
    `${info.studySessions} study sessions; ${counts.rows.map((r) => `${r.n} ${r.t}`).join(', ')}; ${RUNS} runs each; ` +
    `rollup catch-up: ${runs} job runs, ${rollupMs.toFixed(0)} ms\n`,
);
console.log(markdownTable(['scenario', 'reads', 'SQL statements', 'median ms', 'p95 ms'], rows));

/**
 * `npx tsx bench/observability-overhead.ts [--requests n] [--rounds n] [--on metrics|tracing|both]`: CPU and wall time per
 * request of the same read query through two apps in this process, one with observability off
 * (production defaults) and one with metrics on and every span recorded (no exporter), in
 * alternating rounds. In-process and sequential, so it measures the server's own cost per
 * request (CPU µs), which a shared machine disturbs far less than throughput under load.
 * Own database: sp_bench_observability on the server of DATABASE_URL (else 127.0.0.1:5432).
 * One process: once tracing installs its (process-wide) context manager, `off` pays for it too,
 * so tracing's share is understated on Node 20/22; `npm run bench` runs separate servers.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { buildApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createPrisma } from '../src/db/client.js';
import { applyMigrations } from '../src/db/migrate.js';
import { MemoryMailer } from '../src/mail/mailer.js';
import { createLogger } from '../src/observability/logger.js';

const argv = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const REQUESTS = arg('requests', 300);
const ROUNDS = arg('rounds', 6);
/** What `on` turns on: --on metrics, --on tracing, or both (default). */
const ON = argv[argv.indexOf('--on') + 1] && argv.includes('--on') ? argv[argv.indexOf('--on') + 1] : 'both';

const base = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
const url = new URL(base);
url.pathname = '/sp_bench_observability';
const admin = new pg.Client({ connectionString: base.toString() });
await admin.connect();
await admin.query('DROP DATABASE IF EXISTS sp_bench_observability WITH (FORCE)');
await admin.query('CREATE DATABASE sp_bench_observability');
await applyMigrations(url.toString());

const env = {
  NODE_ENV: 'production',
  JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
  DATABASE_URL: url.toString(),
  LOG_LEVEL: 'warn',
  // Production without SMTP must say so.
  MAIL_TRANSPORT: 'log',
};
const variants = {
  off: loadConfig(env),
  on: loadConfig({
    ...env,
    ...(ON !== 'tracing' ? { METRICS_TOKEN: 'bench-metrics-token-0123456789' } : {}),
    ...(ON !== 'metrics' ? { TRACING_RECORD_ONLY: 'true' } : {}),
  }),
};
const apps: Record<'off' | 'on', { app: App; close(): Promise<void> }> = {} as never;
for (const [name, config] of Object.entries(variants) as ['off' | 'on', (typeof variants)['off']][]) {
  const db = createPrisma({
    url: url.toString(),
    poolSize: 4,
    preparedStatements: true,
  });
  const app = buildApp({ config, db, logger: createLogger('warn'), mailer: new MemoryMailer() });
  apps[name] = { app, close: async () => (await app.stop(), await db.$disconnect()) };
}

// One student with 10 courses of 5 assignments each.
const db = apps.off.app.db;
const user = await db.user.create({
  data: { email: 'bench@example.com', passwordHash: 'x', firstName: 'B', lastName: 'S' },
});
for (let c = 0; c < 10; c++) {
  const course = await db.course.create({ data: { userId: user.id, name: `Course ${c}` } });
  await db.assignment.createMany({
    data: Array.from({ length: 5 }, (_, a) => ({
      userId: user.id,
      courseId: course.id,
      title: `A${c}.${a}`,
      dueAt: new Date(Date.now() + (a + 1) * 86_400_000),
    })),
  });
}
const token = await apps.off.app.tokens.issue(user.id);
const body = JSON.stringify({
  query: `query Dashboard { me { id courses(first: 10) { totalCount edges { node { id name
    assignments(first: 5) { edges { node { id title dueAt status } } } } } } } }`,
});

async function round(app: App): Promise<{ cpuUs: number; wallMs: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < REQUESTS; i++) {
    const res = await app.server.yoga.fetch('http://bench/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    });
    const json = (await res.json()) as { errors?: unknown[] };
    if (json.errors) throw new Error(JSON.stringify(json.errors));
  }
  const cpu = process.cpuUsage(cpu0);
  return { cpuUs: (cpu.user + cpu.system) / REQUESTS, wallMs: (performance.now() - t0) / REQUESTS };
}

// Warm both (JIT, prepared statements, viewer cache), then alternate.
await round(apps.off.app);
await round(apps.on.app);
const samples: Record<'off' | 'on', { cpuUs: number; wallMs: number }[]> = { off: [], on: [] };
for (let r = 0; r < ROUNDS; r++) {
  for (const name of (r % 2 ? ['on', 'off'] : ['off', 'on']) as ('off' | 'on')[]) {
    samples[name].push(await round(apps[name].app));
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const row = (name: 'off' | 'on') => ({
  cpu: median(samples[name].map((s) => s.cpuUs)),
  wall: median(samples[name].map((s) => s.wallMs)),
});
const off = row('off');
const on = row('on');
console.log(
  `observability overhead (on: ${ON}): ${ROUNDS} alternating rounds of ${REQUESTS} sequential requests (median)`,
);
console.log('variant | CPU µs/request | wall ms/request');
console.log(`off     | ${off.cpu.toFixed(0)} | ${off.wall.toFixed(3)}`);
console.log(`on      | ${on.cpu.toFixed(0)} | ${on.wall.toFixed(3)}`);
console.log(
  `on - off | ${(on.cpu - off.cpu).toFixed(0)} µs (${(((on.cpu - off.cpu) / off.cpu) * 100).toFixed(1)}%) | ` +
    `${(on.wall - off.wall).toFixed(3)} ms (${(((on.wall - off.wall) / off.wall) * 100).toFixed(1)}%)`,
);

for (const { close } of Object.values(apps)) await close();
await admin.query('DROP DATABASE sp_bench_observability WITH (FORCE)');
await admin.end();
process.exit(0);

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EventHandler } from '../src/events/handler.js';
import { handlers, type HandlerDeps } from '../src/events/handlers/index.js';
import { pruneErrorLogJob } from '../src/jobs/prune-error-log.js';
import { runJob } from '../src/jobs/runner.js';
import { getSchema } from '../src/schema/index.js';
import { publishDocumentsAsOperator } from '../src/versioning/documents/publish-documents.js';
import { createLogger } from '../src/observability/logger.js';
import { sseSubscribe, wsSubscribe } from '../tools/clients/subscriptions.js';
import { createTestApp, globalId, type TestApp } from './helpers/app.js';
import { createAssignment, createCourse, createUser, PASSWORD } from './helpers/factories.js';
import { parseExposition, sample, type Sample } from './helpers/prometheus.js';

const ME = 'query Me { me { id email } }';
const UPDATES = 'subscription Updates { taskUpdates { eventId change } }';

/** Fails every time: its deliveries retry, then go dead. */
const alwaysFails: EventHandler<HandlerDeps> = {
  name: 'metrics-always-fails',
  eventTypes: ['user.created'],
  async handle() {
    throw new Error('downstream is down');
  },
};

let app: TestApp;
let url: string;
beforeAll(async () => {
  app = await createTestApp({ handlers: [...handlers, alwaysFails], maxAttempts: 2 });
  url = await app.server.listen(0, '127.0.0.1');
});
afterAll(async () => {
  await app?.close();
});

async function scrape(target: TestApp = app, headers: Record<string, string> = {}): Promise<Sample[]> {
  const res = await target.fetch('/metrics', { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
}

describe('/metrics', () => {
  it('has request and operation durations by operation name and type, with anonymous and unparsed folded', async () => {
    const user = await createUser(app.db);
    const token = await app.tokens.issue(user.id);
    expect((await app.gql(ME, {}, token)).errors).toBeUndefined();
    expect((await app.gql('{ __typename }')).errors).toBeUndefined();
    expect((await app.gql('{ me { id')).errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');

    const m = await scrape();
    expect(sample(m, 'graphql_request_duration_seconds_count', { operation: 'Me', type: 'query', status: '200' })).toBe(
      1,
    );
    expect(sample(m, 'graphql_operation_duration_seconds_count', { operation: 'Me', type: 'query' })).toBe(1);
    expect(sample(m, 'graphql_operation_duration_seconds_count', { operation: 'anonymous', type: 'query' })).toBe(1);
    expect(sample(m, 'graphql_request_duration_seconds_count', { operation: 'unknown', type: 'unknown' })).toBe(1);
    expect(sample(m, 'graphql_errors_total', { operation: 'unknown', code: 'GRAPHQL_PARSE_FAILED' })).toBe(1);
    // Histogram buckets are there for p99.
    expect(sample(m, 'graphql_request_duration_seconds_bucket', { operation: 'Me', le: '+Inf' })).toBe(1);
  });

  it('counts query executions by path: planned, or generic (no SQL form, or handed back)', async () => {
    const user = await createUser(app.db);
    const token = await app.tokens.issue(user.id);
    const planned = 'query PathPlanned { me { id firstName } }';
    expect((await app.gql(planned, {}, token)).errors).toBeUndefined();
    expect((await app.gql(planned, {}, token)).errors).toBeUndefined();
    // The term filter has no SQL form; without a viewer the plan hands the request back.
    const generic = 'query PathGeneric { courses(first: 1, filter: { term: "x" }) { totalCount } }';
    expect((await app.gql(generic, {}, token)).errors).toBeUndefined();
    expect((await app.gql('query PathNoViewer { me { id } }')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const m = await scrape();
    expect(sample(m, 'graphql_query_executions_total', { operation: 'PathPlanned', path: 'planned' })).toBe(2);
    expect(sample(m, 'graphql_query_executions_total', { operation: 'PathGeneric', path: 'generic' })).toBe(1);
    expect(sample(m, 'graphql_query_executions_total', { operation: 'PathNoViewer', path: 'generic' })).toBe(1);
    expect(sample(m, 'graphql_query_executions_total', { operation: 'PathPlanned', path: 'generic' })).toBeUndefined();
  });

  it('counts a mutation, its errors by code, its SQL statements, the pool and the process', async () => {
    const email = `metrics-${Date.now()}@example.com`;
    const SIGN_UP = `mutation SignUp($input: SignUpInput!) { signUp(input: $input) { token } }`;
    const input = { email, password: PASSWORD, firstName: 'Ada', lastName: 'L' };
    expect((await app.gql(SIGN_UP, { input })).errors).toBeUndefined();
    const again = await app.gql(SIGN_UP, { input });
    const code = String(again.errors?.[0]?.extensions?.code);

    const m = await scrape();
    expect(sample(m, 'graphql_operation_duration_seconds_count', { operation: 'SignUp', type: 'mutation' })).toBe(2);
    expect(sample(m, 'graphql_errors_total', { operation: 'SignUp', code })).toBe(1);
    expect(sample(m, 'db_statement_duration_seconds_count', { statement: 'INSERT' })).toBeGreaterThan(0);
    expect(sample(m, 'db_statement_duration_seconds_count', { statement: 'SELECT' })).toBeGreaterThan(0);
    expect(sample(m, 'db_pool_connections', { state: 'in_use' })).toBeGreaterThanOrEqual(0);
    expect(sample(m, 'db_pool_connections', { state: 'waiting' })).toBeGreaterThanOrEqual(0);
    expect(sample(m, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(m, 'nodejs_eventloop_lag_seconds')).toBeDefined();
  });

  it('counts deliveries by handler and outcome, dead letters and the outbox backlog', async () => {
    const before = await scrape();
    const SIGN_UP = `mutation SignUp($input: SignUpInput!) { signUp(input: $input) { token } }`;
    const email = `dead-${Date.now()}@example.com`;
    await app.gql(SIGN_UP, { input: { email, password: PASSWORD, firstName: 'Dee', lastName: 'L' } });
    await app.bus.idle();
    // Two tries (maxAttempts 2), the second after the 1 s backoff.
    app.clock.now = new Date(app.clock.now.getTime() + 2_000);
    await app.bus.runOnce();

    const m = await scrape();
    const count = (s: Sample[], outcome: string) =>
      sample(s, 'event_deliveries_total', { handler: 'metrics-always-fails', outcome }) ?? 0;
    // This event's two tries (and those of earlier tests' sign-ups that were due too).
    expect(count(m, 'retry') - count(before, 'retry')).toBeGreaterThanOrEqual(1);
    expect(count(m, 'dead') - count(before, 'dead')).toBeGreaterThanOrEqual(1);
    expect(sample(m, 'event_delivery_duration_seconds_count', { handler: 'metrics-always-fails' })).toBeGreaterThan(0);
    expect(sample(m, 'outbox_dead_letters')).toBeGreaterThanOrEqual(1);
    expect(sample(m, 'outbox_backlog_events')).toBeGreaterThanOrEqual(0);
    expect(sample(m, 'outbox_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('shows open subscriptions by transport', async () => {
    const user = await createUser(app.db);
    const token = await app.tokens.issue(user.id);
    const ws = await wsSubscribe(url, token, UPDATES);
    const sse = await sseSubscribe((path, init) => app.fetch(path, init), token, UPDATES);
    try {
      // The first update proves both are subscribed (an SSE stream attaches when first pulled).
      const first = Promise.all([ws.next(), sse.next()]);
      const course = await createCourse(app.db, user.id);
      await app.gql(
        'mutation C($input: CreateAssignmentInput!) { createAssignment(input: $input) { id } }',
        { input: { courseId: globalId('Course', course.id), title: 'x', dueAt: '2027-01-15T12:00:00Z' } },
        token,
      );
      await app.bus.idle();
      await first;
      const open = await scrape();
      expect(sample(open, 'graphql_subscriptions_active', { transport: 'ws' })).toBe(1);
      expect(sample(open, 'graphql_subscriptions_active', { transport: 'sse' })).toBe(1);
    } finally {
      await ws.close();
      await sse.close();
    }
    // Closing is noticed by the server asynchronously: poll the gauge, not the clock.
    for (let i = 0; i < 100; i++) {
      const m = await scrape();
      const active =
        (sample(m, 'graphql_subscriptions_active', { transport: 'ws' }) ?? 0) +
        (sample(m, 'graphql_subscriptions_active', { transport: 'sse' }) ?? 0);
      if (active === 0) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error('subscriptions still counted as open after they closed');
  });

  it('times queries over graphql-ws and counts their errors by code', async () => {
    const user = await createUser(app.db);
    const token = await app.tokens.issue(user.id);
    const query = 'query WsCourse($id: ID!) { course(id: $id) { name } }';
    const ws = await wsSubscribe(url, token, query, { id: globalId('Course', '00000000-0000-4000-8000-000000000000') });
    try {
      const answer = (await ws.next()) as { errors?: { extensions?: { code?: string } }[] };
      expect(answer.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    } finally {
      await ws.close();
    }
    const m = await scrape();
    expect(sample(m, 'graphql_operation_duration_seconds_count', { operation: 'WsCourse', type: 'query' })).toBe(1);
    expect(sample(m, 'graphql_errors_total', { operation: 'WsCourse', code: 'NOT_FOUND' })).toBe(1);
  });

  it('counts a subscription refused over SSE by its code', async () => {
    // (over graphql-ws an unauthenticated connection is refused at connection_init, before any operation)
    const sub = await sseSubscribe(
      (path, init) => fetch(url.replace('/graphql', path), init),
      null,
      'subscription Refused { taskUpdates { eventId } }',
    );
    try {
      expect((await sub.next()).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    } finally {
      await sub.close();
    }
    const m = await scrape();
    expect(sample(m, 'graphql_errors_total', { operation: 'Refused', code: 'UNAUTHENTICATED' })).toBe(1);
  });

  it('counts job runs by job and outcome', async () => {
    const logger = createLogger('silent');
    const job = pruneErrorLogJob({ retentionDays: 30 });
    const jobs = { db: app.db, logger, onRun: app.observability.onJobRun };
    await runJob(jobs, job);
    const broken = { ...job, name: 'metrics-broken-job', run: () => Promise.reject(new Error('nope')) };
    await runJob(jobs, broken);
    const m = await scrape();
    expect(sample(m, 'job_runs_total', { job_name: 'prune-error-log', outcome: 'done' })).toBe(1);
    expect(sample(m, 'job_runs_total', { job_name: 'metrics-broken-job', outcome: 'failed' })).toBe(1);
    expect(sample(m, 'job_run_duration_seconds_count', { job_name: 'prune-error-log' })).toBe(1);
  });

  it('counts deprecated fields by coordinate and client', async () => {
    const user = await createUser(app.db);
    const course = await createCourse(app.db, user.id);
    await createAssignment(app.db, user.id, course.id);
    const res = await app.gql(
      'query Old { me { courses(first: 1) { edges { node { assignments(first: 1) { edges { node { dueDate } } } } } } } }',
      {},
      await app.tokens.issue(user.id),
      { 'graphql-client-name': 'ios', 'graphql-client-version': '2.0.0' },
    );
    expect(res.errors).toBeUndefined();
    const m = await scrape();
    expect(
      sample(m, 'graphql_deprecated_field_requests_total', { coordinate: 'Assignment.dueDate', client: 'ios' }),
    ).toBe(1);
  });

  it('keeps operation-name labels bounded: odd names become "other"', async () => {
    const long = 'Q' + 'x'.repeat(80);
    await app.gql(`query ${long} { __typename }`);
    const m = await scrape();
    expect(sample(m, 'graphql_operation_duration_seconds_count', { operation: long })).toBeUndefined();
    expect(sample(m, 'graphql_operation_duration_seconds_count', { operation: 'other' })).toBeGreaterThan(0);
  });
});

describe('operation-name labels under made-up names', () => {
  it('a published document keeps its own label after 200 anonymous requests with made-up names', async () => {
    const doc = 'query RealAppScreen { __typename }';
    const hash = createHash('sha256').update(doc).digest('hex');
    await publishDocumentsAsOperator(
      { db: app.db, now: () => new Date(app.clock.now), events: { notify() {} }, logger: createLogger('silent') },
      { client: 'metrics-app', version: '1.0.0', manifest: { [hash]: doc }, schema: getSchema() },
    );
    // A server started after publishing (it loads the published documents at start), as in production.
    const fresh = await createTestApp({ database: app.database });
    try {
      for (let i = 0; i < 200; i++) expect((await fresh.gql(`query MadeUp${i} { __typename }`)).errors).toBeUndefined();
      const res = await fresh.fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ documentId: hash }),
      });
      expect(res.status).toBe(200);
      const m = await scrape(fresh);
      expect(sample(m, 'graphql_operation_duration_seconds_count', { operation: 'RealAppScreen' })).toBe(1);
      // The made-up names had the first-come slots (100), then `other`.
      expect(sample(m, 'graphql_operation_duration_seconds_count', { operation: 'other' })).toBe(100);
    } finally {
      await fresh.close();
    }
  });
});

describe('/metrics access', () => {
  it('asks for the bearer token when METRICS_TOKEN is set', async () => {
    const guarded = await createTestApp({ database: app.database, env: { METRICS_TOKEN: 'scrape-token-0123456789' } });
    try {
      expect((await guarded.fetch('/metrics')).status).toBe(401);
      expect((await guarded.fetch('/metrics', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      const m = await scrape(guarded, { authorization: 'Bearer scrape-token-0123456789' });
      expect(sample(m, 'process_cpu_user_seconds_total')).toBeDefined();
    } finally {
      await guarded.close();
    }
  });

  it('serves /metrics only on METRICS_PORT when it is set', async () => {
    const separate = await createTestApp({ database: app.database, env: { METRICS_PORT: '0' } });
    try {
      const { metricsUrl } = await separate.observability.start('127.0.0.1');
      expect((await separate.fetch('/metrics')).status).toBe(404);
      const res = await fetch(metricsUrl!);
      expect(res.status).toBe(200);
      expect(sample(parseExposition(await res.text()), 'process_cpu_user_seconds_total')).toBeDefined();
    } finally {
      await separate.close();
    }
  });
});

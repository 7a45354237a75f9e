import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { dbPoolStats, onDbQuery, type Db } from '../db/client.js';
import type { OpsSnapshot } from './ops-snapshot.js';
import { statementFacts } from './statements.js';

/**
 * The Prometheus metrics of one app (one registry per app: tests build several in a process).
 * Label values are bounded: operation names and client names go through `BoundedLabel`, so a
 * client cannot create series at will.
 */

/**
 * Keeps the first `max` distinct values of a label; later ones become `other`. Values `reserve`d
 * (up to `maxReserved`) always keep their own label and take none of the `max` first-come slots.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();
  private readonly reserved = new Set<string>();
  constructor(
    private readonly max: number,
    private readonly maxLength = 64,
    private readonly maxReserved = 0,
  ) {}

  private sane(value: string): boolean {
    return value.length <= this.maxLength && /^[\w.:@/-]+$/.test(value);
  }

  of(value: string): string {
    if (this.reserved.has(value) || this.seen.has(value)) return value;
    if (this.seen.size >= this.max || !this.sane(value)) return 'other';
    this.seen.add(value);
    return value;
  }

  /** Gives `value` a label of its own for good (false: not a sane value, or the reserve is full). */
  reserve(value: string): boolean {
    if (this.reserved.has(value)) return true;
    if (this.reserved.size >= this.maxReserved || !this.sane(value)) return false;
    this.reserved.add(value);
    return true;
  }
}

export type DeliveryOutcome = 'succeeded' | 'retry' | 'dead';
export type JobOutcome = 'done' | 'failed' | 'skipped';
export type Transport = 'ws' | 'sse';

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface Metrics {
  registry: Registry;
  /** Folded operation label: `anonymous`, `unknown` (not parsed), `other` (past the cap), else the name. */
  operationLabel(name: string | null | undefined): string;
  /**
   * The operation name of a published document (called as the trusted-document store loads one):
   * it keeps a label of its own whatever clients send, outside the first-come slots.
   */
  publishedOperation(name: string | null): void;
  clientLabel(name: string | null | undefined): string;
  requestDuration: Histogram<'operation' | 'type' | 'status'>;
  operationDuration: Histogram<'operation' | 'type'>;
  errors: Counter<'operation' | 'code'>;
  subscriptions: Gauge<'transport'>;
  deprecatedFields: Counter<'coordinate' | 'client'>;
  /** Query executions by path: `planned` (one statement per root field) or `generic` (resolvers). */
  executions: Counter<'operation' | 'path'>;
  /** The deprecation tracker's hook: `coordinates` used once by `clientName`. */
  deprecatedFieldUse(coordinates: readonly string[], clientName: string): void;
  dbStatementDuration: Histogram<'statement'>;
  /** Event bus hook: one delivery of one event to one handler finished. */
  recordDelivery(handler: string, outcome: DeliveryOutcome, durationMs: number): void;
  /** Job hook (runner, scheduler): one run of `job` finished. */
  recordJobRun(job: string, outcome: JobOutcome, seconds: number): void;
  /** Stops listening to the database. */
  close(): void;
}

export interface MetricsDeps {
  db: Db;
  /** Outbox backlog and dead letters, read at scrape. */
  ops: OpsSnapshot;
  /** Error-log occurrences dropped because its buffer was full. */
  errorLogDropped?: () => number;
}

export function createMetrics(deps: MetricsDeps): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  // Published documents' names (the operator's list) are reserved; names sent in query text by
  // anyone get the first 100 other slots, so made-up names cannot push a published one to `other`.
  const operations = new BoundedLabel(100, 64, 1000);
  const clients = new BoundedLabel(50);

  const requestDuration = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'GraphQL HTTP requests, from arrival to response, by operation name, type and HTTP status.',
    labelNames: ['operation', 'type', 'status'] as const,
    buckets: SECONDS,
    registers,
  });
  const operationDuration = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'Execution of GraphQL operations (resolvers), by operation name and type.',
    labelNames: ['operation', 'type'] as const,
    buckets: SECONDS,
    registers,
  });
  const errors = new Counter({
    name: 'graphql_errors_total',
    help: 'Errors in GraphQL responses, by extensions.code (INTERNAL_SERVER_ERROR: unexpected, masked).',
    labelNames: ['operation', 'code'] as const,
    registers,
  });
  const subscriptions = new Gauge({
    name: 'graphql_subscriptions_active',
    help: 'Open GraphQL subscriptions, by transport (ws: graphql-ws, sse: HTTP event stream).',
    labelNames: ['transport'] as const,
    registers,
  });
  for (const transport of ['ws', 'sse']) subscriptions.set({ transport }, 0);
  const deprecatedFields = new Counter({
    name: 'graphql_deprecated_field_requests_total',
    help: 'Requests that used a deprecated schema coordinate, by coordinate and client name.',
    labelNames: ['coordinate', 'client'] as const,
    registers,
  });
  const executions = new Counter({
    name: 'graphql_query_executions_total',
    help: 'Query operations executed, by operation and path: planned (one SQL statement per root field) or generic.',
    labelNames: ['operation', 'path'] as const,
    registers,
  });
  const dbStatementDuration = new Histogram({
    name: 'db_statement_duration_seconds',
    help: 'SQL statements run by the app, by kind (first keyword).',
    labelNames: ['statement'] as const,
    buckets: SECONDS,
    registers,
  });
  const deliveries = new Counter({
    name: 'event_deliveries_total',
    help: 'Event deliveries run, by handler and outcome (succeeded, retry, dead).',
    labelNames: ['handler', 'outcome'] as const,
    registers,
  });
  const deliveryDuration = new Histogram({
    name: 'event_delivery_duration_seconds',
    help: 'Time an event handler took, by handler.',
    labelNames: ['handler'] as const,
    buckets: SECONDS,
    registers,
  });
  const jobRuns = new Counter({
    name: 'job_runs_total',
    // job_name, not job: Prometheus gives every series the scrape job's `job` label.
    help: 'Scheduled job runs, by job_name and outcome (done, failed, skipped: another replica held the lock or ran the tick).',
    labelNames: ['job_name', 'outcome'] as const,
    registers,
  });
  const jobDuration = new Histogram({
    name: 'job_run_duration_seconds',
    help: 'Duration of scheduled job runs, by job_name.',
    labelNames: ['job_name'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
    registers,
  });

  new Gauge({
    name: 'db_pool_connections',
    help: 'Database pool connections, by state (in_use, idle); waiting: requests queued for a connection.',
    labelNames: ['state'] as const,
    registers,
    collect() {
      const stats = dbPoolStats(deps.db);
      if (!stats) return;
      this.set({ state: 'in_use' }, stats.total - stats.idle);
      this.set({ state: 'idle' }, stats.idle);
      this.set({ state: 'waiting' }, stats.waiting);
    },
  });
  // The outbox gauges read the database at scrape; if it does not answer, they are NaN and
  // app_database_up says 0, rather than the whole scrape failing.
  const ops = () => deps.ops.read().catch(() => null);
  new Gauge({
    name: 'app_database_up',
    help: 'Whether the database answered the scrape-time outbox query (1) or not (0).',
    registers,
    async collect() {
      this.set((await ops()) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'outbox_backlog_events',
    help: 'Outbox events not yet processed (read at scrape).',
    registers,
    async collect() {
      this.set((await ops())?.backlog ?? NaN);
    },
  });
  new Gauge({
    name: 'outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest unprocessed outbox event; 0 when there is none (read at scrape).',
    registers,
    async collect() {
      this.set((await ops())?.oldestPendingAgeSeconds ?? NaN);
    },
  });
  new Gauge({
    name: 'outbox_dead_letters',
    help: 'Event deliveries dead-lettered and not yet retried (read at scrape).',
    registers,
    async collect() {
      this.set((await ops())?.deadLetters ?? NaN);
    },
  });

  new Gauge({
    name: 'error_log_dropped',
    help: 'Unexpected errors not stored in the error log because its buffer was full (since start).',
    registers,
    collect() {
      this.set(deps.errorLogDropped?.() ?? 0);
    },
  });

  const unsubscribe = onDbQuery(deps.db, (e) =>
    dbStatementDuration.observe({ statement: statementFacts(e.sql).kind }, e.durationMs / 1000),
  );

  return {
    registry,
    operationLabel: (name) => (name === undefined ? 'unknown' : name === null ? 'anonymous' : operations.of(name)),
    publishedOperation: (name) => {
      if (name) operations.reserve(name);
    },
    clientLabel: (name) => (name ? clients.of(name) : 'unknown'),
    requestDuration,
    operationDuration,
    errors,
    subscriptions,
    deprecatedFields,
    executions,
    deprecatedFieldUse(coordinates, clientName) {
      const client = clients.of(clientName);
      for (const coordinate of coordinates) deprecatedFields.inc({ coordinate, client });
    },
    dbStatementDuration,
    recordDelivery(handler, outcome, durationMs) {
      deliveries.inc({ handler, outcome });
      deliveryDuration.observe({ handler }, durationMs / 1000);
    },
    recordJobRun(job, outcome, seconds) {
      jobRuns.inc({ job_name: job, outcome });
      jobDuration.observe({ job_name: job }, seconds);
    },
    close: unsubscribe,
  };
}

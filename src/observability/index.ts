import { ROOT_CONTEXT } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { DeliveryInstrument } from '../events/handler.js';
import type { JobRunListener } from '../jobs/runner.js';
import { ErrorLog, type ErrorOccurrence } from './error-log.js';
import { useGraphqlMetrics } from './graphql-metrics.js';
import { useGraphqlTracing } from './graphql-tracing.js';
import type { Logger } from './logger.js';
import { startMetricsServer, useMetricsEndpoint } from './metrics-endpoint.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createOpsSnapshot, type OpsSnapshot } from './ops-snapshot.js';
import { useRequestLog } from './request-log.js';
import { createTracing, inSpan, traceDbStatements, type Tracing } from './tracing.js';

/** Everything operators see, built once per app: metrics, spans, request logs, the error log. */
export interface Observability {
  metrics: Metrics | null;
  tracing: Tracing | null;
  errorLog: ErrorLog;
  ops: OpsSnapshot;
  /** Yoga plugins; they go after useErrorCodes (they count the codes clients see). */
  plugins: Plugin[];
  /** useErrorCodes calls it for each unexpected (masked) error. */
  onUnexpectedError(error: Error, where: ErrorOccurrence): void;
  /** The event bus's hook: a span per delivery, linked to the request that wrote the event; metrics. */
  deliveries: DeliveryInstrument;
  /** The job runner's (and scheduler's) hook. */
  onJobRun: JobRunListener;
  /** Why /ready says `degraded` (outbox lag, dead letters); [] when all is well. */
  degradedReasons(): Promise<string[]>;
  /** Starts the error log's writer and, with METRICS_PORT, the metrics server. */
  start(host?: string): Promise<{ metricsUrl: string | null }>;
  stop(): Promise<void>;
}

export interface ObservabilityDeps {
  config: Pick<Config, 'metrics' | 'tracing' | 'readiness'>;
  db: Db;
  logger: Logger;
  now: () => Date;
  /** Tests and the bench: record spans into this exporter (no OTLP endpoint needed). */
  spanExporter?: SpanExporter;
  /** How often the error log writes its batch (default 2 s). */
  errorLogFlushMs?: number;
}

export function createObservability(deps: ObservabilityDeps): Observability {
  const { config, db, logger, now } = deps;
  const ops = createOpsSnapshot({ db, now });
  const errorLog = new ErrorLog({ db, logger: logger.child({ component: 'error-log' }) });
  const metrics = config.metrics.enabled ? createMetrics({ db, ops, errorLogDropped: () => errorLog.dropped }) : null;
  const tracing = createTracing({ ...config.tracing, exporter: deps.spanExporter });
  const untraceDb = tracing ? traceDbStatements(db, tracing.tracer) : () => {};
  let metricsServer: { close(): Promise<void> } | null = null;

  const plugins: Plugin[] = [useRequestLog(logger)];
  if (metrics) plugins.push(useGraphqlMetrics(metrics));
  if (metrics && config.metrics.port === null) plugins.push(useMetricsEndpoint(metrics.registry, config.metrics.token));
  if (tracing) plugins.push(useGraphqlTracing(tracing.tracer));

  return {
    metrics,
    tracing,
    errorLog,
    ops,
    plugins,
    onUnexpectedError: (error, where) => errorLog.record(error, where, now()),
    deliveries: {
      run: (d, handle) =>
        tracing
          ? inSpan(
              tracing.tracer,
              `event.deliver ${d.handler}`,
              {
                // A new trace per delivery (retries run long after the request), linked to the writer's.
                parent: ROOT_CONTEXT,
                linkTo: d.traceparent,
                attributes: { 'event.id': d.eventId, 'event.type': d.eventType ?? '', 'event.attempt': d.attempt },
              },
              handle,
            )
          : handle(),
      done: (handler, outcome, durationMs) => metrics?.recordDelivery(handler, outcome, durationMs),
    },
    onJobRun: (job, outcome, seconds) => metrics?.recordJobRun(job, outcome, seconds),
    async degradedReasons() {
      const state = await ops.read();
      const reasons: string[] = [];
      if (state.oldestPendingAgeSeconds >= config.readiness.outboxLagSeconds) {
        reasons.push(`outbox lag: oldest pending event is ${Math.round(state.oldestPendingAgeSeconds)} s old`);
      }
      if (state.deadLetters >= config.readiness.deadLetters) {
        reasons.push(`dead letters: ${state.deadLetters} event deliveries need an operator (query deadLetters)`);
      }
      return reasons;
    },
    async start(host) {
      errorLog.start(deps.errorLogFlushMs ?? 2_000);
      if (!metrics || config.metrics.port === null) return { metricsUrl: null };
      const server = await startMetricsServer(metrics.registry, {
        port: config.metrics.port,
        host,
        token: config.metrics.token,
      });
      metricsServer = server;
      return { metricsUrl: server.url };
    },
    async stop() {
      await errorLog.stop();
      await metricsServer?.close();
      metricsServer = null;
      untraceDb();
      metrics?.close();
      await tracing?.shutdown();
    },
  };
}

import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context as OtelContext,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import type { TracesSamplerSetting } from '../config.js';
import { onDbQuery, type Db, type QueryListener } from '../db/client.js';
import { statementFacts } from './statements.js';

/**
 * OpenTelemetry tracing. Off (no provider, no plugin, no listener: nothing runs) unless an OTLP
 * endpoint is configured or a test passes an exporter. Spans: the HTTP request, parse,
 * validate, execute (src/observability/graphql-tracing.ts), each SQL statement run inside a
 * traced request or delivery, and each event delivery, linked to the request that wrote the event.
 */
export interface Tracing {
  tracer: Tracer;
  /** Exports what is buffered and stops. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  serviceName: string;
  otlpEndpoint: string | null;
  /** Which traces are recorded; default: parent-based, one new trace in ten (DEFAULT_SAMPLER). */
  sampler?: TracesSamplerSetting;
  /** Tests: spans go here, one by one, instead of over OTLP. */
  exporter?: SpanExporter;
}

/**
 * A caller's decision is followed and one new trace in ten is recorded: recording every span cost
 * about 10% of CPU per request at full load (docs/observability.md#overhead).
 */
export const DEFAULT_SAMPLER: TracesSamplerSetting = { name: 'parentbased_traceidratio', ratio: 0.1 };

/** OpenTelemetry's sampler of that name (the values of OTEL_TRACES_SAMPLER). */
export function createSampler(setting: TracesSamplerSetting): Sampler {
  const root = setting.name.endsWith('always_on')
    ? new AlwaysOnSampler()
    : setting.name.endsWith('always_off')
      ? new AlwaysOffSampler()
      : new TraceIdRatioBasedSampler(setting.ratio);
  return setting.name.startsWith('parentbased_') ? new ParentBasedSampler({ root }) : root;
}

let globalsSet = false;

/** Context propagation across awaits and W3C traceparent: process-wide, set once. */
function setGlobals(): void {
  if (globalsSet) return;
  globalsSet = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}

export function createTracing(options: TracingOptions): Tracing | null {
  const exporter =
    options.exporter ??
    (options.otlpEndpoint
      ? new OTLPTraceExporter({ url: `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces` })
      : null);
  if (!exporter) return null;
  setGlobals();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    sampler: createSampler(options.sampler ?? DEFAULT_SAMPLER),
    spanProcessors: [options.exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter)],
  });
  return { tracer: provider.getTracer('study-planner-api'), shutdown: () => provider.shutdown() };
}

/** The W3C traceparent of the active span, to store with an outbox event; null when not tracing. */
export function currentTraceparent(): string | null {
  if (!trace.getSpan(context.active())) return null;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? null;
}

/** A span per SQL statement run while a recording span is active (a traced, sampled request or delivery). */
export function traceDbStatements(db: Db, tracer: Tracer): () => void {
  return onDbQuery(db, statementSpans(tracer));
}

/** The statement listener of traceDbStatements (the bench drives it without a database). */
export function statementSpans(tracer: Tracer): QueryListener {
  return (e) => {
    const parent = context.active();
    if (!trace.getSpan(parent)?.isRecording()) return;
    const span = tracer.startSpan(
      'db.query',
      {
        kind: SpanKind.CLIENT,
        startTime: e.startedAt,
        attributes: { 'db.system.name': 'postgresql', 'db.query.text': statementFacts(e.sql).text },
      },
      parent,
    );
    span.end(new Date(e.startedAt.getTime() + e.durationMs));
  };
}

/** Runs `fn` in a span; the span records a thrown error and ends either way. */
export async function inSpan<T>(
  tracer: Tracer,
  name: string,
  options: { parent?: OtelContext; attributes?: Record<string, string | number>; linkTo?: string | null },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const links = [];
  if (options.linkTo) {
    const linked = trace.getSpanContext(propagation.extract(context.active(), { traceparent: options.linkTo }));
    if (linked) links.push({ context: linked });
  }
  const span = tracer.startSpan(name, { attributes: options.attributes, links }, options.parent ?? context.active());
  try {
    return await context.with(trace.setSpan(options.parent ?? context.active(), span), () => fn(span));
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
    throw err;
  } finally {
    span.end();
  }
}

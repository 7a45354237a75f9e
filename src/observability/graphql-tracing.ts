import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';
import type { Plugin } from 'graphql-yoga';
import { operationOf } from './graphql-metrics.js';
import { requestInfo } from './request-info.js';

/**
 * Spans for GraphQL over HTTP: `graphql.request` (continuing the caller's traceparent, if any),
 * with `graphql.parse` and `graphql.validate` (when they run, not when Yoga's caches answer) and
 * `graphql.execute` inside; resolvers run in the execute span's context, so SQL statements and
 * events written there hang from it.
 */
/** Reads traceparent/tracestate straight from the request's headers. */
const headerGetter: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => [...headers.keys()],
};

export function useGraphqlTracing(tracer: Tracer): Plugin {
  const spans = new WeakMap<Request, Span>();
  /** The request span of a Yoga context (none over graphql-ws, and for probes). */
  const spanOf = (initial: unknown) => {
    const request = (initial as { request?: Request }).request;
    return request && spans.get(request);
  };
  const parentOf = (initial: unknown) => {
    const span = spanOf(initial);
    return span ? trace.setSpan(context.active(), span) : context.active();
  };
  /**
   * A request the sampler left out (its span records nothing): its phases, execution and SQL get
   * no spans at all, rather than non-recording ones (the request span stays: it carries the
   * sampling decision). The bench still measures a cost per unsampled request at full load
   * (bench/README.md, Observability).
   */
  const sampledOut = (initial: unknown) => spanOf(initial)?.isRecording() === false;
  /** Runs a synchronous phase in a span of its own; a throw marks the span failed. */
  const phase = <T>(name: string, initial: unknown, fn: (span: Span) => T): T => {
    const span = tracer.startSpan(name, {}, parentOf(initial));
    try {
      return fn(span);
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  };
  return {
    onRequest({ request }) {
      // Probes and scrapes (/health, /ready, /metrics) are not traced.
      if (!requestInfo(request).graphql) return;
      const incoming = propagation.extract(context.active(), request.headers, headerGetter);
      const span = tracer.startSpan('graphql.request', { kind: SpanKind.SERVER }, incoming);
      span.setAttribute('request.id', requestInfo(request).id);
      spans.set(request, span);
    },
    // Parse and validate get a span when they run; a document or verdict from Yoga's caches (the
    // usual case: microseconds of lookup) only marks the request span, so the hot path records
    // two spans fewer.
    onParse({ context: initial, parseFn, setParseFn }) {
      if (sampledOut(initial)) return;
      let ran = false;
      setParseFn((source, options) => {
        ran = true;
        return phase('graphql.parse', initial, () => parseFn(source, options));
      });
      return () => spanOf(initial)?.setAttribute('graphql.document.cached', !ran);
    },
    onValidate({ context: initial, validateFn, setValidationFn }) {
      if (sampledOut(initial)) return;
      let ran = false;
      setValidationFn((...args) => {
        ran = true;
        return phase('graphql.validate', initial, (span) => {
          const errors = validateFn(...args);
          if (errors.length) span.setStatus({ code: SpanStatusCode.ERROR, message: 'invalid document' });
          return errors;
        });
      });
      return () => spanOf(initial)?.setAttribute('graphql.validation.cached', !ran);
    },
    onExecute({ args, executeFn, setExecuteFn }) {
      if (sampledOut(args.contextValue)) return;
      const { name, type } = operationOf(args.document, args.operationName);
      const parent = parentOf(args.contextValue);
      const span = tracer.startSpan(`graphql.execute ${name ?? 'anonymous'}`, {}, parent);
      span.setAttributes({ 'graphql.operation.name': name ?? '', 'graphql.operation.type': type });
      setExecuteFn((execArgs) => context.with(trace.setSpan(parent, span), () => executeFn(execArgs)));
      return {
        onExecuteDone({ result }) {
          if ('errors' in result && result.errors?.length) {
            span.setStatus({ code: SpanStatusCode.ERROR, message: result.errors[0]?.message });
          }
          span.end();
        },
      };
    },
    onResponse({ request, response }) {
      const span = spans.get(request);
      if (!span) return;
      const info = requestInfo(request);
      span.setAttributes({
        'http.response.status_code': response.status,
        ...(info.operationName ? { 'graphql.operation.name': info.operationName } : {}),
      });
      if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
  };
}

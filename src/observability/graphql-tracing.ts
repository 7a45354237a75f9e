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
 * with `graphql.parse`, `graphql.validate` and `graphql.execute` inside; resolvers run in the
 * execute span's context, so SQL statements and events written there hang from it.
 */
/** Reads traceparent/tracestate straight from the request's headers. */
const headerGetter: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => [...headers.keys()],
};

export function useGraphqlTracing(tracer: Tracer): Plugin {
  const spans = new WeakMap<Request, Span>();
  const parentOf = (initial: unknown) => {
    const request = (initial as { request?: Request }).request;
    const span = request && spans.get(request);
    return span ? trace.setSpan(context.active(), span) : context.active();
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
    onParse({ context: initial }) {
      const span = tracer.startSpan('graphql.parse', {}, parentOf(initial));
      return () => span.end();
    },
    onValidate({ context: initial }) {
      const span = tracer.startSpan('graphql.validate', {}, parentOf(initial));
      return ({ valid }) => {
        if (!valid) span.setStatus({ code: SpanStatusCode.ERROR, message: 'invalid document' });
        span.end();
      };
    },
    onExecute({ args, executeFn, setExecuteFn }) {
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

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { InMemorySpanExporter, SamplingDecision, type ReadableSpan, type Sampler } from '@opentelemetry/sdk-trace-base';
import { loadConfig } from '../src/config.js';
import { createSampler } from '../src/observability/tracing.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { PASSWORD } from './helpers/factories.js';

const exporter = new InMemorySpanExporter();
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ spanExporter: exporter });
});
afterAll(async () => {
  await app?.close();
});

const SIGN_UP = 'mutation SignUp($input: SignUpInput!) { signUp(input: $input) { token } }';
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('tracing', () => {
  it('traces the request, its phases and SQL, and links each delivery to the mutation that wrote the event', async () => {
    exporter.reset();
    // The caller's trace is continued (W3C traceparent).
    const callerTrace = '0af7651916cd43dd8448eb211c80319c';
    const email = `traced-${Date.now()}@example.com`;
    const res = await app.gql(SIGN_UP, { input: { email, password: PASSWORD, firstName: 'T', lastName: 'R' } }, '', {
      traceparent: `00-${callerTrace}-b7ad6b7169203331-01`,
    });
    expect(res.errors).toBeUndefined();
    await app.bus.idle();

    const spans = exporter.getFinishedSpans();
    const named = (name: string) => spans.filter((s) => s.name === name);
    const [request] = named('graphql.request');
    expect(request).toBeDefined();
    expect(request!.spanContext().traceId).toBe(callerTrace);
    expect(parentOf(request!)).toBe('b7ad6b7169203331');
    expect(request!.attributes).toMatchObject({ 'http.response.status_code': 200, 'graphql.operation.name': 'SignUp' });
    const requestId = request!.spanContext().spanId;

    // A document this app has not seen is parsed and validated, each in a span.
    for (const phase of ['graphql.parse', 'graphql.validate']) {
      expect(named(phase).map(parentOf)).toContain(requestId);
    }
    expect(request!.attributes).toMatchObject({ 'graphql.document.cached': false, 'graphql.validation.cached': false });
    const [execute] = named('graphql.execute SignUp');
    expect(parentOf(execute!)).toBe(requestId);
    expect(execute!.attributes).toMatchObject({ 'graphql.operation.type': 'mutation' });

    // SQL statements of the resolver hang from the execute span.
    const sql = named('db.query').filter((s) => parentOf(s) === execute!.spanContext().spanId);
    expect(sql.map((s) => s.attributes['db.query.text'])).toContainEqual(
      expect.stringMatching(/INSERT INTO "public"\."User"/),
    );

    // The event row carries the trace; each delivery is a trace of its own linked to it.
    const event = await app.db.outboxEvent.findFirstOrThrow({
      where: { type: 'user.created', traceparent: { startsWith: `00-${callerTrace}-` } },
    });
    expect(event.traceparent).toMatch(new RegExp(`^00-${callerTrace}-${execute!.spanContext().spanId}-01$`));
    const deliveries = spans.filter((s) => s.name.startsWith('event.deliver '));
    expect(deliveries.length).toBeGreaterThan(0);
    for (const delivery of deliveries.filter((d) => d.attributes['event.id'] === event.id)) {
      expect(delivery.spanContext().traceId).not.toBe(callerTrace);
      expect(delivery.links.map((l) => l.context.traceId)).toEqual([callerTrace]);
      expect(delivery.attributes).toMatchObject({ 'event.type': 'user.created', 'event.attempt': 1 });
    }
    expect(deliveries.filter((d) => d.attributes['event.id'] === event.id).length).toBeGreaterThan(0);
    // The delivery's own SQL hangs from it.
    const deliveryIds = new Set(deliveries.map((d) => d.spanContext().spanId));
    expect(named('db.query').some((s) => deliveryIds.has(parentOf(s) ?? ''))).toBe(true);
  });

  it('records parse and validate only when they run, not when the document comes from the cache', async () => {
    exporter.reset();
    const document = `query Cached${Date.now()} { __typename }`;
    await app.gql(document);
    await app.gql(document);
    const spans = exporter.getFinishedSpans();
    const requests = spans.filter((s) => s.name === 'graphql.request');
    expect(requests.map((s) => s.attributes['graphql.document.cached'])).toEqual([false, true]);
    expect(requests.map((s) => s.attributes['graphql.validation.cached'])).toEqual([false, true]);
    const first = requests[0]!.spanContext().spanId;
    for (const phase of ['graphql.parse', 'graphql.validate']) {
      expect(spans.filter((s) => s.name === phase).map(parentOf)).toEqual([first]);
    }
    expect(spans.filter((s) => s.name.startsWith('graphql.execute'))).toHaveLength(2);

    // A document that does not parse: its parse span says so.
    exporter.reset();
    await app.gql('query Broken {');
    const [parse] = exporter.getFinishedSpans().filter((s) => s.name === 'graphql.parse');
    expect(parse!.status).toMatchObject({ code: SpanStatusCode.ERROR, message: expect.stringMatching(/Syntax Error/) });
  });

  it('gives a request the sampler left out no spans at all, and its events no trace to link to', async () => {
    exporter.reset();
    // The caller decided not to sample (flags 00): parent-based sampling follows it.
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const email = `unsampled-${Date.now()}@example.com`;
    const res = await app.gql(SIGN_UP, { input: { email, password: PASSWORD, firstName: 'U', lastName: 'S' } }, '', {
      traceparent: `00-${callerTrace}-00f067aa0ba902b7-00`,
    });
    expect(res.errors).toBeUndefined();
    await app.bus.idle();
    const user = await app.db.user.findFirstOrThrow({ where: { email } });
    const event = await app.db.outboxEvent.findFirstOrThrow({ where: { type: 'user.created', userId: user.id } });
    expect(event.traceparent).toBeNull();
    const spans = exporter.getFinishedSpans();
    expect(spans.filter((s) => s.spanContext().traceId === callerTrace)).toEqual([]);
    expect(spans.filter((s) => s.name === 'graphql.request' || s.name.startsWith('graphql.execute'))).toEqual([]);
  });

  it('starts a new trace when the caller sends none, and does not trace probes', async () => {
    exporter.reset();
    await app.gql('query Ping { __typename }');
    expect((await app.fetch('/ready')).status).toBe(200);
    expect((await app.fetch('/metrics')).status).toBe(200);
    const requests = exporter.getFinishedSpans().filter((s) => s.name === 'graphql.request');
    expect(requests).toHaveLength(1);
    expect(parentOf(requests[0]!)).toBeUndefined();
  });
});

describe('sampling', () => {
  /** Whether `sampler` records a span of trace `traceId`, new or continuing a caller's span with `flags`. */
  const records = (sampler: Sampler, traceId: string, flags?: TraceFlags) => {
    const parent =
      flags === undefined
        ? ROOT_CONTEXT
        : trace.setSpanContext(ROOT_CONTEXT, {
            traceId,
            spanId: 'b7ad6b7169203331',
            traceFlags: flags,
            isRemote: true,
          });
    const { decision } = sampler.shouldSample(parent, traceId, 'graphql.request', SpanKind.SERVER, {}, []);
    return decision === SamplingDecision.RECORD_AND_SAMPLED;
  };
  // The ratio sampler keeps a trace whose id (its 32-bit words xor-ed) falls below ratio × 2³².
  const low = '0000000000000000000000000000000a';
  const high = 'ffffffff000000000000000000000000';

  it('by default follows the caller and records one new trace in ten', () => {
    const sampler = createSampler(loadConfig({}).tracing.sampler);
    expect([records(sampler, low), records(sampler, high)]).toEqual([true, false]);
    expect(records(sampler, high, TraceFlags.SAMPLED)).toBe(true);
    expect(records(sampler, low, TraceFlags.NONE)).toBe(false);
    const recorded = Array.from({ length: 10_000 }, () => records(sampler, randomBytes(16).toString('hex')));
    expect(recorded.filter(Boolean).length).toBeGreaterThan(800);
    expect(recorded.filter(Boolean).length).toBeLessThan(1200);
  });

  it('takes OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG', () => {
    const sampler = (env: Record<string, string>) => createSampler(loadConfig(env).tracing.sampler);
    expect(records(sampler({ OTEL_TRACES_SAMPLER_ARG: '1' }), high)).toBe(true);
    expect(records(sampler({ OTEL_TRACES_SAMPLER: 'parentbased_always_on' }), high)).toBe(true);
    expect(records(sampler({ OTEL_TRACES_SAMPLER: 'parentbased_always_on' }), high, TraceFlags.NONE)).toBe(false);
    expect(records(sampler({ OTEL_TRACES_SAMPLER: 'always_on' }), high, TraceFlags.NONE)).toBe(true);
    expect(records(sampler({ OTEL_TRACES_SAMPLER: 'always_off' }), low, TraceFlags.SAMPLED)).toBe(false);
    expect(records(sampler({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' }), low)).toBe(false);
  });

  it('continues a caller’s sampled trace in the app whatever its id', async () => {
    const spans = new InMemorySpanExporter();
    const sampled = await createTestApp({
      database: app.database,
      spanExporter: spans,
      env: { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio' },
    });
    try {
      await sampled.gql('query Ping { __typename }', {}, '', { traceparent: `00-${high}-b7ad6b7169203331-01` });
      const [request] = spans.getFinishedSpans().filter((s) => s.name === 'graphql.request');
      expect(request?.spanContext().traceId).toBe(high);
    } finally {
      await sampled.close();
    }
  });
});

describe('tracing off', () => {
  it('records nothing and stores no trace context without an exporter or endpoint', async () => {
    const plain = await createTestApp({ database: app.database });
    try {
      expect(plain.observability.tracing).toBeNull();
      const email = `untraced-${Date.now()}@example.com`;
      await plain.gql(SIGN_UP, { input: { email, password: PASSWORD, firstName: 'U', lastName: 'T' } });
      const user = await plain.db.user.findFirstOrThrow({ where: { email } });
      const event = await plain.db.outboxEvent.findFirstOrThrow({ where: { type: 'user.created', userId: user.id } });
      expect(event.traceparent).toBeNull();
    } finally {
      await plain.close();
    }
  });
});

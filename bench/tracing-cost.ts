/**
 * `npx tsx bench/tracing-cost.ts [--statements 1] [--blocks 12] [--per-block 20000]`: the CPU
 * and heap that tracing's own code takes per GraphQL request, in one process, without a server or
 * a database. It drives the real hooks of useGraphqlTracing (request, cached parse and validate,
 * execute) and the real statement listener of traceDbStatements for `--statements` statements,
 * with spans recorded and dropped as TRACING_RECORD_ONLY does, at three sampling ratios: 0 (every
 * request pays only the sampling decision), 0.1 and 1 (every span recorded). Blocks of each
 * variant alternate with blocks of the baseline (building the request and its request info); it
 * prints the median µs per request above the baseline, and the heap bytes a request allocates
 * above it (the hooks' payload objects, which Yoga makes anyway, count here). This is the direct
 * cost: what the full-load pass of `npm run bench` measures besides it (collecting that garbage,
 * caches, hook dispatch in Yoga) is not here.
 */
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parse, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { useGraphqlTracing } from '../src/observability/graphql-tracing.js';
import { requestInfo } from '../src/observability/request-info.js';
import { createTracing, statementSpans, type Tracing } from '../src/observability/tracing.js';
import { optionValue } from './args.js';
import { median } from './report.js';

const value = (name: string, fallback: number) => Number(optionValue(name) ?? fallback);
const STATEMENTS = value('statements', 1);
const BLOCKS = value('blocks', 12);
const PER_BLOCK = value('per-block', 20_000);
const RATIOS = [0, 0.1, 1];

const document: DocumentNode = parse('query Overdue { overdue(first: 20) { totalCount } }');
const sql = 'SELECT "t"."id" FROM "Task" AS "t" WHERE "t"."userId" = $1 AND "t"."deletedAt" IS NULL LIMIT $2';

/** A request as the tracing plugin meets it: its request info exists (the request log makes it, tracing or not). */
const newRequest = () => {
  const request = new Request('http://127.0.0.1/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
  });
  requestInfo(request);
  return request;
};

/** One request through the hooks, in the order Yoga calls them (parse and validate from its caches). */
function traced(tracing: Tracing): () => void {
  // The hooks take Yoga's payloads; only the fields the plugin reads are given.
  const plugin = useGraphqlTracing(tracing.tracer) as Required<
    Pick<Plugin, 'onRequest' | 'onParse' | 'onValidate' | 'onExecute' | 'onResponse'>
  >;
  type Payload<K extends keyof typeof plugin> = Parameters<(typeof plugin)[K]>[0];
  const statement = statementSpans(tracing.tracer);
  const response = new Response('{}', { status: 200 });
  const run = () => {
    for (let i = 0; i < STATEMENTS; i++) statement({ sql, durationMs: 0.3, startedAt: new Date() });
    return { data: {} };
  };
  return () => {
    const request = newRequest();
    const context = { request };
    void plugin.onRequest({ request } as unknown as Payload<'onRequest'>);
    const afterParse = plugin.onParse({ context, setParseFn: () => {} } as unknown as Payload<'onParse'>);
    if (typeof afterParse === 'function') void afterParse({ result: document } as never);
    const afterValidate = plugin.onValidate({ context, setValidationFn: () => {} } as unknown as Payload<'onValidate'>);
    if (typeof afterValidate === 'function') void afterValidate({ result: [], valid: true } as never);
    let execute: () => unknown = run;
    const hooks = plugin.onExecute({
      args: { contextValue: context, document, operationName: 'Overdue' },
      executeFn: run,
      setExecuteFn: (fn: (args: unknown) => unknown) => (execute = () => fn({})),
    } as unknown as Payload<'onExecute'>);
    const result = execute();
    if (hooks && typeof hooks === 'object' && 'onExecuteDone' in hooks) void hooks.onExecuteDone?.({ result } as never);
    void plugin.onResponse({ request, response } as unknown as Payload<'onResponse'>);
  };
}

const variants: { name: string; once: () => void; tracing?: Tracing }[] = [
  { name: 'baseline', once: () => void newRequest() },
];
for (const ratio of RATIOS) {
  const tracing = createTracing({ serviceName: 'bench', otlpEndpoint: null, recordOnly: true, sampleRatio: ratio })!;
  variants.push({ name: `sampled ${ratio}`, once: traced(tracing), tracing });
}

const samples = new Map<string, number[]>(variants.map((v) => [v.name, []]));
for (const v of variants) for (let i = 0; i < PER_BLOCK; i++) v.once(); // warm-up
for (let block = 0; block < BLOCKS; block++) {
  for (const v of variants) {
    const start = process.cpuUsage();
    for (let i = 0; i < PER_BLOCK; i++) v.once();
    const used = process.cpuUsage(start);
    samples.get(v.name)!.push((used.user + used.system) / PER_BLOCK);
  }
  process.stdout.write(`\rblock ${block + 1}/${BLOCKS}`);
}
/**
 * Heap bytes allocated per request: the growth of the used heap over a short run after a full GC.
 * A scavenge inside the run only lowers the figure, so the largest of a few tries counts.
 */
v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const ALLOC_RUN = 500;
const allocated = (once: () => void) => {
  let most = 0;
  for (let attempt = 0; attempt < 5; attempt++) {
    gc();
    const before = v8.getHeapStatistics().used_heap_size;
    for (let i = 0; i < ALLOC_RUN; i++) once();
    most = Math.max(most, (v8.getHeapStatistics().used_heap_size - before) / ALLOC_RUN);
  }
  return most;
};
const bytes = new Map(variants.map((v) => [v.name, allocated(v.once)]));
const base = median(samples.get('baseline')!);
console.log(
  `\n\ntracing's own CPU per request, Node ${process.versions.node}, ${STATEMENTS} statement(s) per request, ` +
    `median of ${BLOCKS} blocks of ${PER_BLOCK} (baseline: building the request and its request info, ${base.toFixed(2)} µs)`,
);
console.log(
  'traces recorded | µs per request above baseline | heap bytes per request above baseline | spans per recorded request',
);
for (const v of variants.slice(1)) {
  console.log(
    `${v.name.replace('sampled ', '').padEnd(15)} | ${(median(samples.get(v.name)!) - base).toFixed(2).padStart(29)} | ` +
      `${(bytes.get(v.name)! - bytes.get('baseline')!).toFixed(0).padStart(37)} | ${String(2 + STATEMENTS).padStart(26)}`,
  );
}
for (const v of variants) await v.tracing?.shutdown();

/**
 * The load generator process: autocannon against one server with one scenario, requests built
 * per request (a random student and token each), GraphQL errors counted from the bodies.
 * Started once by load.ts with fork(); receives lists of LoadSpecs, runs each list's specs at the
 * same time and answers with their LoadResults.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import type { LoadResult, LoadSpec } from './load.js';
import { Prng } from './prng.js';
import { mutationSteps, readRequest, type BuiltRequest, type Fixtures, type MutationCycle } from './scenarios.js';

async function run(spec: LoadSpec): Promise<LoadResult> {
  const fx = JSON.parse(readFileSync(spec.fixturesFile, 'utf8')) as Fixtures;
  const rng = new Prng(spec.seed, spec.connections, spec.scenario.length);
  let graphqlErrors = 0;
  let firstError: string | undefined;
  const check = (status: number, body: string) => {
    if (status === 200 && !body.includes('"errors"')) return;
    graphqlErrors++;
    firstError ??= `${status} ${body.slice(0, 300)}`;
  };
  const apply = (req: any, built: BuiltRequest) => {
    req.body = built.body;
    req.headers = { ...req.headers, authorization: `Bearer ${built.token}` };
    return req;
  };

  let requests: any[];
  if (spec.scenario === 'mutations') {
    requests = mutationSteps(fx, rng).map((step) => ({
      setupRequest: (req: any, ctx: MutationCycle) => apply(req, step.build(ctx)),
      onResponse: (status: number, body: string, ctx: MutationCycle) => {
        check(status, body);
        step.after?.(ctx, body);
      },
    }));
  } else {
    const scenario = spec.scenario;
    requests = [
      {
        setupRequest: (req: any) => apply(req, readRequest(scenario, spec.target, fx, rng, spec.pageSize)),
        onResponse: (status: number, body: string) => check(status, body),
      },
    ];
  }

  const result = await autocannon({
    url: spec.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    connections: spec.connections,
    ...(spec.amount ? { amount: spec.amount } : { duration: spec.duration }),
    timeout: spec.timeoutSec,
    requests,
  });
  const completed = result.requests.total;
  return {
    requests: completed,
    seconds: result.duration,
    rps: completed / result.duration,
    latency: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      mean: result.latency.average,
      max: result.latency.max,
    },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    graphqlErrors,
    firstError,
  };
}

// Serves one message at a time until the runner disconnects: its specs run side by side.
process.on('message', (specs: LoadSpec[]) => {
  Promise.all(specs.map(run)).then(
    (results) => process.send!(results),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
});
process.on('disconnect', () => process.exit(0));

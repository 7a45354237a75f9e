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
import { mutationSteps, readRequest, SCENARIOS, type Fixtures, type MutationStep } from './scenarios.js';
import type { MutationCycle, ReadScenario } from './scenarios.js';

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
  // One request per step of a cycle (a read is a cycle of one); autocannon keeps a context per connection.
  const steps: MutationStep[] = SCENARIOS[spec.scenario].read
    ? [{ build: () => readRequest(spec.scenario as ReadScenario, spec.target, fx, rng, spec.pageSize) }]
    : mutationSteps(fx, rng, spec.target, spec.scenario);
  const requests = steps.map((step) => ({
    setupRequest(req: any, ctx: MutationCycle) {
      const built = step.build(ctx);
      return Object.assign(req, {
        body: built.body,
        headers: { ...req.headers, authorization: `Bearer ${built.token}` },
      });
    },
    onResponse(status: number, body: string, ctx: MutationCycle) {
      check(status, body);
      step.after?.(ctx, body);
    },
  }));

  const result = await autocannon({
    url: spec.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    connections: spec.connections,
    ...(spec.amount ? { amount: spec.amount } : { duration: spec.duration }),
    timeout: spec.timeoutSec,
    requests,
  });
  const { total: completed } = result.requests;
  const { p50, p90, p99, average: mean, max } = result.latency;
  return {
    requests: completed,
    seconds: result.duration,
    rps: completed / result.duration,
    latency: { p50, p90, p99, mean, max },
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

/**
 * Scenario 5, subscription fan-out: `perStudent` subscribers of each of many students'
 * `taskUpdates` (graphql-ws on /graphql with the token in connection params, or SSE with the
 * Authorization header), as real traffic spreads them (one student's devices, within the
 * per-account connection cap); then M createAssignment mutations one after another, by the
 * students in turn; for each delivery, the time from sending the mutation to the subscriber
 * receiving its update. Subscribers and the mutating client run in a process of their own (this
 * file, forked with `child`), apart from the server and the runner. A subscriber the server
 * refuses, or a warm-up update that does not reach every subscriber, ends the phase with an error.
 */
import { performance } from 'node:perf_hooks';
import { sseSubscribe, wsSubscribe } from '../tools/clients/subscriptions.js';
import { forkTsx, percentile, postJson } from './common.js';
import { CREATED_PREFIX } from './seed.js';

export interface SubscriptionSpec {
  url: string;
  /** Each student's token and the global id of a live course of theirs (mutations create assignments in it). */
  students: { token: string; courseId: string }[];
  /** Subscribers per student. */
  perStudent: number;
  events: number;
  transport: 'ws' | 'sse';
}

export interface SubscriptionResult {
  transport: 'ws' | 'sse';
  subscribers: number;
  /** Subscribers per student: each mutation reaches that many. */
  perStudent: number;
  events: number;
  expected: number;
  delivered: number;
  /** Milliseconds from sending the mutation to each delivery. */
  latency: { p50: number; p99: number; max: number; mean: number };
  /** Milliseconds from sending the mutation to its HTTP response. */
  mutationLatency: { p50: number; p99: number };
  /** Milliseconds from sending the mutation to the last of its deliveries (its student's subscribers all reached). */
  lastDelivery: { p50: number; p99: number };
}

const SUBSCRIPTION = `subscription { taskUpdates { eventId change kind taskId task { title scheduledAt } } }`;
const CREATE = `mutation Create($input: CreateAssignmentInput!) { createAssignment(input: $input) { id } }`;

type OnMessage = (taskId: string) => void;

/** One subscriber (the project's test clients, tools/clients): `onMessage` hears each update's task id. */
async function open(spec: SubscriptionSpec, token: string, onMessage: OnMessage): Promise<() => Promise<void>> {
  const sub =
    spec.transport === 'ws'
      ? await wsSubscribe(spec.url, token, SUBSCRIPTION)
      : await sseSubscribe((p, init) => fetch(new URL(p, spec.url), init), token, SUBSCRIPTION);
  if ('status' in sub && sub.status !== 200) throw new Error(`SSE subscribe failed: ${sub.status}`);
  let listening = true;
  void (async () => {
    while (listening) {
      const message = (await sub.next().catch(() => null)) as {
        data?: { taskUpdates: { taskId: string } };
        errors?: unknown;
      } | null;
      if (!message) return;
      if (message.data) onMessage(message.data.taskUpdates.taskId);
      else if (listening) console.error('subscription error', message.errors);
    }
  })();
  return async () => {
    listening = false;
    await sub.close();
  };
}

const median99 = (xs: number[]) => ({ p50: percentile(xs, 50), p99: percentile(xs, 99) });

async function child(spec: SubscriptionSpec): Promise<SubscriptionResult> {
  const subscribers = spec.students.length * spec.perStudent;
  const received = new Map<string, number[]>(); // taskId → delivery times
  let waiting: { taskId: string | null; resolve: () => void } | null = null;
  const onMessage = (taskId: string) => {
    const t = performance.now();
    const list = received.get(taskId) ?? [];
    list.push(t);
    received.set(taskId, list);
    if (waiting && waiting.taskId === taskId && list.length >= spec.perStudent) waiting.resolve();
  };
  const closers: (() => Promise<void>)[] = [];
  for (const student of spec.students) {
    const opened = Array.from({ length: spec.perStudent }, () => open(spec, student.token, onMessage));
    closers.push(...(await Promise.all(opened)));
  }

  let n = 0;
  const mutate = async (student: SubscriptionSpec['students'][number]) => {
    const dueAt = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const input = { courseId: student.courseId, title: `${CREATED_PREFIX}sub ${++n}`, dueAt };
    const body = (await postJson(spec.url, JSON.stringify({ query: CREATE, variables: { input } }), student.token)) as {
      data?: { createAssignment: { id: string } };
      errors?: unknown;
    };
    if (!body.data) throw new Error(`createAssignment failed: ${JSON.stringify(body.errors)}`);
    return body.data.createAssignment.id;
  };
  /** One mutation by `student`, then wait (at most 5 s) until each of their subscribers has its update. */
  const round = async (student: SubscriptionSpec['students'][number]) => {
    const sent = performance.now();
    let resolveAll!: () => void;
    const all = new Promise<void>((resolve) => (resolveAll = resolve));
    waiting = { taskId: null, resolve: resolveAll };
    const taskId = await mutate(student);
    const answered = performance.now();
    waiting.taskId = taskId;
    if ((received.get(taskId)?.length ?? 0) >= spec.perStudent) resolveAll();
    await Promise.race([all, new Promise((r) => setTimeout(r, 5000))]);
    waiting = null;
    return { taskId, sent, answered };
  };

  // Warm-up: one update per student proves every subscription is registered before timing starts.
  for (const student of spec.students) {
    const { taskId } = await round(student);
    const got = received.get(taskId)?.length ?? 0;
    if (got < spec.perStudent)
      throw new Error(`warm-up: ${got} of a student's ${spec.perStudent} ${spec.transport} subscribers had the update`);
  }
  const rounds: { taskId: string; sent: number; answered: number }[] = [];
  for (let i = 0; i < spec.events; i++) {
    rounds.push(await round(spec.students[i % spec.students.length]!));
    await new Promise((r) => setTimeout(r, 20));
  }
  await Promise.all(closers.map((c) => c()));

  const deliveries: number[] = [];
  const last: number[] = [];
  for (const r of rounds) {
    const times = received.get(r.taskId) ?? [];
    deliveries.push(...times.map((t) => t - r.sent));
    if (times.length) last.push(Math.max(...times) - r.sent);
  }
  const responses = rounds.map((r) => r.answered - r.sent);
  return {
    transport: spec.transport,
    subscribers,
    perStudent: spec.perStudent,
    events: spec.events,
    expected: spec.perStudent * spec.events,
    delivered: deliveries.length,
    latency: {
      ...median99(deliveries),
      max: percentile(deliveries, 100),
      mean: deliveries.reduce((a, b) => a + b, 0) / (deliveries.length || 1),
    },
    mutationLatency: median99(responses),
    lastDelivery: median99(last),
  };
}

/** Runs the fan-out measurement in its own process. */
export function runSubscriptions(spec: SubscriptionSpec): Promise<SubscriptionResult> {
  return new Promise((resolve, reject) => {
    const proc = forkTsx(import.meta.filename, ['child']);
    let result: SubscriptionResult | null = null;
    proc.on('message', (m) => (result = m as SubscriptionResult));
    proc.on('error', reject);
    proc.on('exit', (code) => (result ? resolve(result) : reject(new Error(`subscription bench exited with ${code}`))));
    proc.send(spec);
  });
}

if (process.argv[2] === 'child') {
  process.once('message', (spec: SubscriptionSpec) => {
    child(spec).then(
      (r) => process.send!(r, () => process.exit(0)),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}

import { performance } from 'node:perf_hooks';
import type { Db } from '../db/client.js';
import type { Logger } from '../observability/logger.js';
import type { DeliveryInfo, DeliveryInstrument, EventHandler } from './handler.js';
import type { DomainEvent } from './types.js';
import { claimDeliveries, settleDeliveries, type ClaimedDelivery } from './deliveries.js';

/**
 * The in-process event bus over the transactional outbox.
 *
 * A dispatch cycle (1) creates one EventDelivery row per (pending event, registered handler) and
 * (2) claims due deliveries with FOR UPDATE SKIP LOCKED and a lease, so replicas sharing the
 * database never run the same delivery at once, reading their events with them: one statement
 * per batch, the first also creating the new deliveries (`claim`); (3) runs each claimed delivery
 * on its own, recording a retry with backoff, or a dead letter after `maxAttempts`, and (4)
 * records the batch's successes in one statement, the last batch's together with (5) marking the
 * events whose deliveries are all settled as processed. A cycle with one batch: two statements.
 *
 * Exactly once, across crashes: a claimed delivery is PENDING under a lease until its SUCCEEDED
 * mark commits, and only PENDING deliveries whose lease has run out are claimed again. So a crash
 * (or a database cut outlasting the lease) between a handler's effect and the mark of its batch
 * runs the handler again, once per lost mark; that is why every handler that is not `atMostOnce`
 * is idempotent (unique keys, upserts, de-duplicated messages), and the effect happens once. The
 * mark is retried while the lease still holds, so a short cut repeats nothing; it applies only to
 * the claim it was given (same `attempts`, still PENDING), so a late mark never settles a claim
 * another dispatcher took after the lease ran out, and a mark that did commit before its reply was
 * lost is a no-op when retried. Batching the marks widens the window from one delivery to one
 * batch; it adds no case the old per-delivery mark did not have.
 *
 * Mutations call `notify()` after their transaction commits; a timer (`start()`) also runs
 * cycles, which picks up retries and events left pending by a crash between commit and dispatch.
 * A succeeded delivery is never run again: that is the idempotency record.
 */

export interface BusOptions<D> {
  db: Db;
  logger: Logger;
  handlers: EventHandler<D>[];
  deps: D;
  maxAttempts: number;
  pollIntervalMs: number;
  now?: () => Date;
  /** Delay before retry number `attempt` (1-based). Default: 1 s doubling, capped at 10 min. */
  backoffMs?: (attempt: number) => number;
  /** How long a claimed delivery is held before another dispatcher may take it. */
  leaseMs?: number;
  /**
   * Longest run of one handler (default 30 s). Past it the delivery counts as failed and is
   * retried with backoff, and the dispatch cycle goes on: a hung mail server holds only its own
   * deliveries. (The late handler is not cancelled; its outcome is ignored.)
   */
  handlerTimeoutMs?: number;
  batchSize?: number;
  /**
   * How many of one handler's deliveries may still be running in the background (past their
   * cycle's SLOW_DELIVERY_MS) while it takes new ones (default 16). At the cap the handler takes
   * none until one ends, so a dead mail server ties up a bounded number of sends, while one slow
   * send does not hold back the next.
   */
  maxSlowPerHandler?: number;
  /** Observability (metrics, spans): wraps each delivery and hears its outcome. */
  instrument?: DeliveryInstrument;
}

/** How long a background cycle waits for a batch before leaving its slow deliveries running. */
const SLOW_DELIVERY_MS = 1_000;

/** Whether `work` settles within `ms` (it keeps running either way). */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

export class HandlerTimeoutError extends Error {
  constructor(ms: number) {
    super(`handler timed out after ${ms} ms`);
    this.name = 'HandlerTimeoutError';
  }
}

/**
 * Whether a failure leaves the effect's outcome unknown: a timeout, or an error that says so
 * (`outcomeUnknown: true`, e.g. an SMTP session dropped after the message went out). Any other
 * error of an at-most-once handler means the effect did not happen, and it is retried.
 */
function mayHaveHappened(err: unknown): boolean {
  if (err instanceof HandlerTimeoutError) return true;
  return err instanceof Error && 'outcomeUnknown' in err && err.outcomeUnknown === true;
}

/** Deliveries of one handler left running in the background before it takes no new ones. */
export const DEFAULT_MAX_SLOW_PER_HANDLER = 16;

export const defaultBackoff = (attempt: number) => Math.min(1000 * 2 ** (attempt - 1), 600_000);

export class EventBus<D = unknown> {
  private readonly handlers = new Map<string, EventHandler<D>>();
  private readonly now: () => Date;
  private readonly backoffMs: (attempt: number) => number;
  private readonly leaseMs: number;
  private readonly batchSize: number;
  private readonly handlerTimeoutMs: number;
  private readonly maxSlowPerHandler: number;
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  /** Deliveries still running after their cycle moved on, and how many per handler. */
  private readonly slow = new Set<Promise<void>>();
  private readonly slowPerHandler = new Map<string, number>();

  constructor(private readonly options: BusOptions<D>) {
    for (const h of options.handlers) {
      if (this.handlers.has(h.name)) throw new Error(`duplicate event handler name ${h.name}`);
      this.handlers.set(h.name, h);
    }
    this.now = options.now ?? (() => new Date());
    this.backoffMs = options.backoffMs ?? defaultBackoff;
    this.batchSize = options.batchSize ?? 50;
    this.handlerTimeoutMs = options.handlerTimeoutMs ?? 30_000;
    this.maxSlowPerHandler = options.maxSlowPerHandler ?? DEFAULT_MAX_SLOW_PER_HANDLER;
    // A delivery must end (or time out) while its lease still holds.
    this.leaseMs = options.leaseMs ?? Math.max(60_000, 2 * this.handlerTimeoutMs);
  }

  /** Starts the timer; the first cycle runs at once and replays whatever is pending. */
  start(): void {
    const tick = () => {
      this.notify();
      this.timer = setTimeout(tick, this.options.pollIntervalMs);
      this.timer.unref();
    };
    tick();
  }

  /** Stops the timer and waits for the cycle in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.idle();
  }

  /** Asks for a dispatch cycle soon (after the current one, if one is running). Never throws. */
  notify(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    // Start on the next turn of the event loop: the request that committed finishes first.
    this.running = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.loop())
      .finally(() => {
        this.running = null;
      });
  }

  /** Resolves when no cycle is running or requested and no delivery is still running. */
  async idle(): Promise<void> {
    while (this.running || this.slow.size > 0) await Promise.all([this.running, ...this.slow]);
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.runOnce({ waitForSlow: false });
      } catch (err) {
        this.options.logger.error({ err }, 'event dispatch cycle failed');
      }
    } while (this.again);
  }

  /**
   * One dispatch cycle. Returns how many deliveries it ran. With `waitForSlow: false` (the
   * background cycles) a batch is waited for at most SLOW_DELIVERY_MS: deliveries still running
   * then (a hung mail server) finish on their own, under their lease and timeout; their handler
   * goes on taking new deliveries until `maxSlowPerHandler` of them are still running, and the
   * other handlers' deliveries go on.
   */
  async runOnce(options: { waitForSlow?: boolean } = {}): Promise<number> {
    const waitForSlow = options.waitForSlow ?? true;
    const now = this.now();
    // Real time, for how long a lease still holds (the clock `now` may be a test's).
    const cycle = { now, startedAt: Date.now() };
    const names = [...this.handlers.keys()];
    // Parallel arrays: handler pairs[i] handles event type types[i].
    const pairs = [...this.handlers.values()].flatMap((h) => h.eventTypes.map((type) => ({ type, name: h.name })));
    // The cycle's first claim also creates the deliveries of new events (none without handlers).
    let create: { eventTypes: string[]; handlerNames: string[] } | null =
      names.length > 0 ? { eventTypes: pairs.map((p) => p.type), handlerNames: pairs.map((p) => p.name) } : null;

    let ran = 0;
    // The last batch's successes: marked by the statement that marks the events processed.
    let last: ClaimedDelivery[] = [];
    for (;;) {
      const free = names.filter((name) => (this.slowPerHandler.get(name) ?? 0) < this.maxSlowPerHandler);
      const { claimed, events } = await claimDeliveries(this.options.db, {
        names: free,
        now,
        leaseUntil: new Date(now.getTime() + this.leaseMs),
        batchSize: this.batchSize,
        create,
      });
      create = null;
      if (claimed.length === 0) break;
      ran += claimed.length;
      const succeeded: ClaimedDelivery[] = [];
      const settled = new Set<ClaimedDelivery>();
      const detached = new Set<ClaimedDelivery>();
      const runs = claimed.map(async (d) => {
        if (await this.deliver(d, events.get(d.eventId))) {
          // Left running past its cycle: it records its own success; else its batch does.
          if (detached.has(d)) await this.recordOutcomes(cycle, [d], null);
          else succeeded.push(d);
        }
        settled.add(d);
      });
      const all = Promise.all(runs);
      if (waitForSlow || (await settlesWithin(all, SLOW_DELIVERY_MS))) await all;
      else {
        for (const [i, d] of claimed.entries()) {
          if (settled.has(d)) continue;
          detached.add(d);
          this.leaveRunning(d.handler, runs[i]!);
        }
      }
      if (claimed.length < this.batchSize) {
        last = succeeded;
        break;
      }
      await this.recordOutcomes(cycle, succeeded, null);
    }

    await this.recordOutcomes(cycle, last, [...new Set([...this.handlers.values()].flatMap((h) => [...h.eventTypes]))]);
    return ran;
  }

  /** A delivery goes on after its cycle (counted against its handler's `maxSlowPerHandler`). */
  private leaveRunning(handler: string, run: Promise<void>): void {
    this.slowPerHandler.set(handler, (this.slowPerHandler.get(handler) ?? 0) + 1);
    const tracked = run.finally(() => {
      const left = (this.slowPerHandler.get(handler) ?? 1) - 1;
      if (left > 0) this.slowPerHandler.set(handler, left);
      else this.slowPerHandler.delete(handler);
      this.slow.delete(tracked);
      // Its handler may take deliveries again (only while the bus runs).
      if (this.timer) this.notify();
    });
    this.slow.add(tracked);
  }

  /**
   * Marks `succeeded` SUCCEEDED in one statement, and with `handledTypes` marks processed, in the
   * same statement, every event whose deliveries are all settled (that part is the cycle's last
   * step: an event of a type no handler takes is processed at once). The handlers' effects have
   * happened: should the database be away for a moment, the statement is retried (100 ms
   * doubling) while the claim's lease still keeps other dispatchers off these deliveries, so a
   * short cut runs no effect again. Each mark applies only to the claim it settles (its
   * `attempts`, still PENDING): see the class comment for why this keeps effects exactly once.
   */
  private async recordOutcomes(
    cycle: { now: Date; startedAt: number },
    succeeded: ClaimedDelivery[],
    handledTypes: string[] | null,
  ): Promise<void> {
    if (succeeded.length === 0 && handledTypes === null) return;
    // The leases were taken at the cycle's start; keep a quarter of them as a margin.
    const deadline = cycle.startedAt + (this.leaseMs * 3) / 4;
    for (let pause = 100; ; pause = Math.min(pause * 2, 2_000)) {
      try {
        await settleDeliveries(this.options.db, { now: cycle.now, done: this.now(), succeeded, handledTypes });
        return;
      } catch (err) {
        if (succeeded.length === 0) throw err;
        if (Date.now() + pause > deadline) {
          this.options.logger.error(
            { err, deliveries: succeeded.map((d) => ({ eventId: d.eventId, handler: d.handler })) },
            'could not record delivered events: they will run again after their lease',
          );
          if (handledTypes) throw err;
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }

  /** An at-most-once delivery's SUCCEEDED mark, written before its effect. */
  private async markSucceeded(id: string): Promise<void> {
    const done = this.now();
    await this.options.db.$executeRaw`
      UPDATE "EventDelivery"
      SET "status" = 'SUCCEEDED', "completedAt" = ${done}, "lockedUntil" = NULL, "lastError" = NULL, "updatedAt" = ${done}
      WHERE "id" = ${id}::uuid`;
  }

  /** Runs `handler` for at most handlerTimeoutMs. */
  private async withTimeout<T>(run: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new HandlerTimeoutError(this.handlerTimeoutMs)), this.handlerTimeoutMs);
      timer.unref();
    });
    try {
      return await Promise.race([run, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs one delivery; true when the handler succeeded and the caller is to record it. */
  private async deliver(delivery: ClaimedDelivery, event: DomainEvent | undefined): Promise<boolean> {
    const { db, logger } = this.options;
    const handler = this.handlers.get(delivery.handler);
    const log = logger.child({ eventId: delivery.eventId, handler: delivery.handler, attempt: delivery.attempts });
    const { instrument } = this.options;
    const startedAt = performance.now();
    let started = false;
    try {
      if (!handler || !event) throw new Error(handler ? 'event row is gone' : 'handler is not registered');
      // At most once: recorded before the effect (if this fails, nothing ran and the delivery is retried).
      if (handler.atMostOnce) await this.markSucceeded(delivery.id);
      started = true;
      const handle = () => handler.handle(event, { ...this.options.deps, db, logger: log, now: this.now });
      const outcome = await this.withTimeout(
        instrument ? instrument.run(deliveryInfo(delivery, event), handle) : handle(),
      );
      log.debug({ outcome: outcome ?? 'done', type: event.type }, 'event handled');
      instrument?.done(delivery.handler, 'succeeded', performance.now() - startedAt);
      return !handler.atMostOnce;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // An at-most-once handler that timed out may still have its effect: never run it again on its own.
      const unknownOutcome = started && !!handler?.atMostOnce && mayHaveHappened(err);
      const dead = unknownOutcome || delivery.attempts >= this.options.maxAttempts;
      const failedAt = this.now();
      await db.eventDelivery
        .update({
          where: { id: delivery.id },
          data: dead
            ? {
                status: 'DEAD',
                lastError: unknownOutcome
                  ? `${message}; not retried (at most once): the effect may have happened`
                  : message,
                lockedUntil: null,
              }
            : {
                status: 'PENDING',
                lastError: message,
                lockedUntil: null,
                nextAttemptAt: new Date(failedAt.getTime() + this.backoffMs(delivery.attempts)),
              },
        })
        .catch((e: unknown) => log.error({ err: e }, 'could not record a failed delivery'));
      instrument?.done(delivery.handler, dead ? 'dead' : 'retry', performance.now() - startedAt);
      if (dead) log.error({ err }, 'event delivery dead-lettered');
      else log.warn({ err }, 'event delivery failed; will retry');
      return false;
    }
  }
}

function deliveryInfo(delivery: ClaimedDelivery, event: DomainEvent & { traceparent?: string | null }): DeliveryInfo {
  return {
    handler: delivery.handler,
    eventId: delivery.eventId,
    eventType: event.type,
    attempt: delivery.attempts,
    traceparent: event.traceparent ?? null,
  };
}

import type { Db } from '../db/client.js';
import type { Logger } from '../observability/logger.js';
import type { DomainEvent, EventType } from './types.js';

/* What an event handler is, and what the bus tells observability about a delivery (bus.ts runs them). */

export interface HandlerContext {
  db: Db;
  logger: Logger;
  now: () => Date;
}

export type HandlerOutcome = 'done' | 'skipped';

/**
 * A handler of the events named in `eventTypes`; `handle` receives exactly those events, each with
 * its own payload type. Write one with `defineHandler` so the types follow from `eventTypes`.
 */
export interface EventHandler<D = unknown, T extends EventType = EventType> {
  /** Stable name, stored with each delivery: renaming a handler re-runs old events for it. */
  name: string;
  eventTypes: readonly T[];
  handle(event: DomainEvent<T>, ctx: HandlerContext & D): Promise<HandlerOutcome | void>;
  /**
   * The effect can be neither undone nor recognised as a repeat downstream (an email): the
   * delivery is recorded SUCCEEDED before the handler runs and put back for a retry only when the
   * handler fails. A crash while it runs loses the effect instead of repeating it (at most once);
   * so does a timeout or an error with `outcomeUnknown: true`, which dead-letter the delivery for
   * an operator to retry. Any other error says the effect did not happen: it is retried.
   */
  atMostOnce?: boolean;
}

/** Declares a handler: `event` in `handle` is typed by the names in `eventTypes`, without casts. */
export function defineHandler<const T extends EventType, D = unknown>(handler: EventHandler<D, T>): EventHandler<D> {
  return handler as EventHandler<D>;
}

/** What the bus tells observability about one delivery. */
export interface DeliveryInfo {
  handler: string;
  eventId: string;
  eventType: string | null;
  attempt: number;
  /** W3C traceparent of the request that wrote the event, when it was traced. */
  traceparent: string | null;
}

export interface DeliveryInstrument {
  /** Runs the handler (e.g. inside a span). */
  run<T>(delivery: DeliveryInfo, handle: () => Promise<T>): Promise<T>;
  /** After each try: succeeded, retry (failed, will run again) or dead (dead-lettered). */
  done(handler: string, outcome: 'succeeded' | 'retry' | 'dead', durationMs: number): void;
}

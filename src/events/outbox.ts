import type { DbOrTx } from '../db/client.js';
import { currentTraceparent } from '../observability/tracing.js';
import {
  EVENT_VERSIONS,
  type EventPayload,
  type EventType,
  type TASK_EVENT_TYPES,
  type TaskChangedV1,
} from './types.js';

export interface NewEvent<T extends EventType> {
  type: T;
  payload: EventPayload<T>;
  /** The user the event concerns: routes notifications and subscriptions. */
  userId?: string | null;
  aggregateId?: string | null;
  occurredAt?: Date;
}

/**
 * Writes an event to the outbox. Call it with the transaction that writes the rows the event
 * describes: the event exists if and only if they do. Returns the event id.
 */
export async function recordEvent<T extends EventType>(tx: DbOrTx, event: NewEvent<T>): Promise<string> {
  const row = await tx.outboxEvent.create({
    data: {
      type: event.type,
      version: EVENT_VERSIONS[event.type],
      payload: event.payload as object,
      userId: event.userId ?? null,
      aggregateId: event.aggregateId ?? null,
      // The request's trace, so the deliveries' spans link back to it (null when not tracing).
      traceparent: currentTraceparent(),
      ...(event.occurredAt ? { occurredAt: event.occurredAt } : {}),
    },
    select: { id: true },
  });
  return row.id;
}

type TaskEventType = (typeof TASK_EVENT_TYPES)[number];

/** Records a task event: the owner routes it, the task is the aggregate. */
export function recordTaskEvent(tx: DbOrTx, type: TaskEventType, payload: TaskChangedV1): Promise<string> {
  return recordEvent(tx, { type, payload, userId: payload.userId, aggregateId: payload.taskId });
}

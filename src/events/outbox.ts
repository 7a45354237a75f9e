import type { DbOrTx } from '../db/client.js';
import { currentTraceparent } from '../observability/tracing.js';
import {
  EVENT_VERSIONS,
  type EventPayload,
  type EventType,
  type TaskChangedV1,
  type TaskEventType,
  type TaskKind,
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

const KIND_OF_PREFIX = { assignment: 'ASSIGNMENT', lecture: 'LECTURE', studySession: 'STUDY_SESSION' } as const;

/** The kind of task a task event is about, from its name ("lecture.updated" → LECTURE). */
export function taskKindOf(type: TaskEventType): TaskKind {
  return KIND_OF_PREFIX[type.slice(0, type.indexOf('.')) as keyof typeof KIND_OF_PREFIX];
}

/**
 * Records a task event for the task row it is about: the owner routes it, the task is the
 * aggregate, the kind follows from the event's name. `deletionId` when a deletion or its undoing
 * took or brought back rows together.
 */
export function recordTaskEvent(
  tx: DbOrTx,
  type: TaskEventType,
  task: { id: string; userId: string; courseId: string },
  deletionId?: string,
): Promise<string> {
  const payload: TaskChangedV1 = {
    userId: task.userId,
    courseId: task.courseId,
    taskId: task.id,
    kind: taskKindOf(type),
    ...(deletionId ? { deletionId } : {}),
  };
  return recordEvent(tx, { type, payload, userId: task.userId, aggregateId: task.id });
}

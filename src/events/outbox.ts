import type { DbOrTx } from '../db/client.js';
import { uuidv7 } from '../db/ids.js';
import { Prisma } from '../generated/prisma/client.js';
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

/** A payload as SQL: each key of the payload type an SQL expression (jsonb_build_object's arguments). */
export type PayloadSql<T extends EventType> = { [K in keyof EventPayload<T>]: Prisma.Sql };

/**
 * `recordEvent` as part of one statement: the INSERT of event `type` for the one row that `from`
 * (a FROM clause, e.g. a CTE of the rows the statement wrote) yields, with the payload, user and
 * aggregate computed from it. For a statement that writes rows and their event at once, so the
 * event exists if and only if they do without a transaction around them. `from` must yield at most
 * one row (the event id is made here); none, and no event is written.
 */
export function eventInsertSql<T extends EventType>(
  type: T,
  event: { payload: PayloadSql<T>; userId: Prisma.Sql; aggregateId: Prisma.Sql },
  from: Prisma.Sql,
): Prisma.Sql {
  const entries = Object.entries(event.payload as Record<string, Prisma.Sql>);
  const payload = Prisma.join(
    entries.map(([key, value]) => Prisma.sql`${key}::text, ${value}`),
    ', ',
  );
  const at = new Date();
  return Prisma.sql`
    INSERT INTO "OutboxEvent" ("id", "type", "version", "userId", "aggregateId", "payload", "occurredAt", "createdAt",
      "updatedAt", "traceparent")
    SELECT ${uuidv7()}::uuid, ${type}::text, ${EVENT_VERSIONS[type]}::int, ${event.userId}, ${event.aggregateId},
      jsonb_build_object(${payload}), ${at}::timestamp, ${at}::timestamp, ${at}::timestamp, ${currentTraceparent()}::text
    FROM ${from}`;
}

/**
 * `recordTaskEvent` as part of one statement: the event of the task row that `from` yields (its
 * columns "id", "userId", "courseId" under alias `t`); see `eventInsertSql`.
 */
export function taskEventInsertSql(type: TaskEventType, from: Prisma.Sql): Prisma.Sql {
  return eventInsertSql(
    type,
    {
      payload: {
        userId: Prisma.sql`t."userId"`,
        courseId: Prisma.sql`t."courseId"`,
        taskId: Prisma.sql`t."id"`,
        kind: Prisma.sql`${taskKindOf(type)}::text`,
      },
      userId: Prisma.sql`t."userId"`,
      aggregateId: Prisma.sql`t."id"`,
    },
    from,
  );
}

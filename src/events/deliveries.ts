import type { Db } from '../db/client.js';
import { Prisma } from '../generated/prisma/client.js';
import type { DomainEvent } from './types.js';

/**
 * The event bus's two statements over EventDelivery (src/events/bus.ts says how a cycle uses
 * them and why they keep effects exactly once): claiming a batch of deliveries with their events,
 * and recording a batch's successes.
 */

export interface ClaimedDelivery {
  id: string;
  eventId: string;
  handler: string;
  attempts: number;
}

/** An event's columns as the claim reads them beside its delivery (all NULL when the row is gone). */
interface EventColumns {
  eventType: string | null;
  eventVersion: number;
  eventUserId: string | null;
  eventAggregateId: string | null;
  eventPayload: unknown;
  eventOccurredAt: Date;
  eventTraceparent: string | null;
}

/**
 * Claims up to `batchSize` due deliveries of the handlers `names` under a lease, and reads their
 * events with them, in one statement. With `create` (the cycle's first claim) the same statement
 * first creates the deliveries of pending events that have none yet, one per (event, handler):
 * those it can take at once (a free handler, room in the batch) are inserted claimed, the rest
 * PENDING for later claims. A new delivery is never claimed by the UPDATE of the same statement
 * (it cannot see the rows the statement inserts): inserting it claimed is that claim. Two
 * dispatchers creating the same delivery meet at the unique (eventId, handler): one inserts it,
 * and owns it; the other's insert does nothing.
 */
export async function claimDeliveries(
  db: Db,
  options: {
    names: string[];
    now: Date;
    leaseUntil: Date;
    batchSize: number;
    create: { eventTypes: string[]; handlerNames: string[] } | null;
  },
): Promise<{ claimed: ClaimedDelivery[]; events: Map<string, DomainEvent> }> {
  const { names, now, leaseUntil, batchSize, create } = options;
  if (names.length === 0 && !create) return { claimed: [], events: new Map() };
  const due = Prisma.sql`
    UPDATE "EventDelivery" d
    SET "lockedUntil" = ${leaseUntil}, "attempts" = d."attempts" + 1, "updatedAt" = ${now}
    WHERE d."id" IN (
      SELECT "id" FROM "EventDelivery"
      WHERE "status" = 'PENDING' AND "nextAttemptAt" <= ${now}
        AND ("lockedUntil" IS NULL OR "lockedUntil" < ${now})
        AND "handler" = ANY(${names}::text[])
      ORDER BY "nextAttemptAt"
      LIMIT ${batchSize}
      FOR UPDATE SKIP LOCKED)
    RETURNING d."id", d."eventId", d."handler", d."attempts"`;
  const created = create
    ? Prisma.sql`,
    missing AS (
      SELECT e."id" AS "eventId", h.handler, h.handler = ANY(${names}::text[]) AS free,
             row_number() OVER (PARTITION BY h.handler = ANY(${names}::text[])
                                ORDER BY e."occurredAt", e."id", h.handler) AS n
      FROM "OutboxEvent" e
      JOIN unnest(${create.eventTypes}::text[], ${create.handlerNames}::text[]) AS h(type, handler) ON h.type = e."type"
      WHERE e."processedAt" IS NULL AND e."deletedAt" IS NULL
        AND NOT EXISTS (SELECT 1 FROM "EventDelivery" x WHERE x."eventId" = e."id" AND x."handler" = h.handler)
    ),
    taken AS (
      SELECT m."eventId", m.handler, m.free AND m.n <= ${batchSize} - (SELECT count(*) FROM due) AS claim
      FROM missing m
    ),
    created AS (
      INSERT INTO "EventDelivery" ("id", "eventId", "handler", "status", "attempts", "nextAttemptAt", "lockedUntil",
        "createdAt", "updatedAt")
      SELECT gen_random_uuid(), t."eventId", t.handler, 'PENDING', CASE WHEN t.claim THEN 1 ELSE 0 END, ${now},
             CASE WHEN t.claim THEN ${leaseUntil}::timestamp END, ${now}, ${now}
      FROM taken t
      ON CONFLICT ("eventId", "handler") DO NOTHING
      RETURNING "id", "eventId", "handler", "attempts", "lockedUntil" IS NOT NULL AS claimed
    ),
    claimed AS (
      SELECT "id", "eventId", "handler", "attempts" FROM due
      UNION ALL
      SELECT "id", "eventId", "handler", "attempts" FROM created WHERE claimed
    )`
    : Prisma.sql`, claimed AS (SELECT * FROM due)`;
  // The event's columns beside the delivery's (NULL when the event row is gone).
  const rows = await db.$queryRaw<(ClaimedDelivery & EventColumns)[]>`
    WITH due AS (${due})${created}
    SELECT c."id", c."eventId", c."handler", c."attempts", e."type" AS "eventType", e."version" AS "eventVersion",
           e."userId" AS "eventUserId", e."aggregateId" AS "eventAggregateId", e."payload" AS "eventPayload",
           e."occurredAt" AS "eventOccurredAt", e."traceparent" AS "eventTraceparent"
    FROM claimed c LEFT JOIN "OutboxEvent" e ON e."id" = c."eventId"`;
  const events = new Map<string, DomainEvent>();
  const claimed: ClaimedDelivery[] = [];
  for (const row of rows) {
    const { id, eventId, handler, attempts } = row;
    claimed.push({ id, eventId, handler, attempts });
    if (row.eventType === null || events.has(eventId)) continue;
    const event = {
      id: eventId,
      type: row.eventType,
      version: row.eventVersion,
      userId: row.eventUserId,
      aggregateId: row.eventAggregateId,
      payload: row.eventPayload,
      occurredAt: row.eventOccurredAt,
    };
    events.set(eventId, Object.assign(event as DomainEvent, { traceparent: row.eventTraceparent }));
  }
  return { claimed, events };
}

/**
 * Marks `succeeded` SUCCEEDED (each only for the claim it settles: its `attempts`, still PENDING)
 * and, with `handledTypes`, marks processed in the same statement every event whose deliveries
 * are all settled.
 */
export async function settleDeliveries(
  db: Db,
  options: { now: Date; done: Date; succeeded: ClaimedDelivery[]; handledTypes: string[] | null },
): Promise<void> {
  const { now, done, succeeded, handledTypes } = options;
  const ids = succeeded.map((d) => d.id);
  const attempts = succeeded.map((d) => d.attempts);
  const mark = Prisma.sql`
    UPDATE "EventDelivery" d
    SET "status" = 'SUCCEEDED', "completedAt" = ${done}, "lockedUntil" = NULL, "lastError" = NULL, "updatedAt" = ${done}
    FROM unnest(${ids}::uuid[], ${attempts}::int[]) AS c("id", "attempts")
    WHERE d."id" = c."id" AND d."attempts" = c."attempts" AND d."status" = 'PENDING'`;
  if (!handledTypes) {
    await db.$executeRaw(mark);
    return;
  }
  // The events are read in the statement's snapshot, from before `marked`: its rows are left
  // out of the PENDING ones by id.
  await db.$executeRaw`
    WITH marked AS (${mark} RETURNING d."id")
    UPDATE "OutboxEvent" e SET "processedAt" = ${now}, "updatedAt" = ${now}
    WHERE e."processedAt" IS NULL
      AND (e."type" <> ALL(${handledTypes}::text[])
           OR EXISTS (SELECT 1 FROM "EventDelivery" d WHERE d."eventId" = e."id"))
      AND NOT EXISTS (SELECT 1 FROM "EventDelivery" d WHERE d."eventId" = e."id" AND d."status" = 'PENDING'
                        AND d."id" NOT IN (SELECT "id" FROM marked))`;
}

import type { DbOrTx } from '../../db/client.js';
import { EVENT_VERSIONS } from '../../events/types.js';
import type { NotificationChannel, Prisma } from '../../generated/prisma/client.js';
import { afterQuietHours } from './notification-time.js';

/**
 * Writing notifications, the one way every source does it (task-change handler, reminders,
 * digest): one row per channel the user's preferences allow. The IN_APP row is the one the
 * student reads (`me { notifications }`) and is written as sent; EMAIL and PUSH rows wait in the
 * table until the deliver-notifications job sends them, at the end of the user's quiet hours if
 * they fall in them (the in-app row never waits). Each in-app row records `notification.created`
 * in the same transaction, so subscribers hear of it once it is committed.
 */

/** What a notification is about. */
export type SubjectKind = 'COURSE' | 'ASSIGNMENT' | 'LECTURE' | 'STUDY_SESSION';

/** A user as a notification needs them: where to send, and their preferences (defaults when unset). */
export interface Recipient {
  userId: string;
  email: string;
  timezone: string;
  inAppEnabled: boolean;
  emailEnabled: boolean;
  pushEnabled: boolean;
  reminderLeadMinutes: number;
  quietHoursStart: number | null;
  quietHoursEnd: number | null;
}

/** The defaults of a NotificationPreference row (prisma/schema.prisma), for users without one. */
export const DEFAULT_LEAD_MINUTES = 60;
/** The longest reminder lead time a user may choose: 7 days. */
export const MAX_LEAD_MINUTES = 7 * 24 * 60;

/** Live users among `userIds`, with their preferences: one statement. Deleted users are left out. */
export async function loadRecipients(db: DbOrTx, userIds: string[]): Promise<Map<string, Recipient>> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return new Map();
  const rows = await db.$queryRaw<Recipient[]>`
    SELECT u."id" AS "userId", u."email", u."timezone",
           COALESCE(p."inAppEnabled", true) AS "inAppEnabled",
           COALESCE(p."emailEnabled", true) AS "emailEnabled",
           COALESCE(p."pushEnabled", true) AS "pushEnabled",
           COALESCE(p."reminderLeadMinutes", ${DEFAULT_LEAD_MINUTES}::int) AS "reminderLeadMinutes",
           p."quietHoursStart", p."quietHoursEnd"
    FROM "User" u
    LEFT JOIN "NotificationPreference" p ON p."userId" = u."id" AND p."deletedAt" IS NULL
    WHERE u."id" = ANY(${ids}::uuid[]) AND u."deletedAt" IS NULL`;
  return new Map(rows.map((r) => [r.userId, r]));
}

export interface NewNotification {
  userId: string;
  /** e.g. "reminder", "digest", "assignment.updated". */
  kind: string;
  title: string;
  body: string;
  subject?: { kind: SubjectKind; id: string } | null;
  /** The channels this kind of notification uses; the user's switches narrow them. */
  channels: readonly NotificationChannel[];
  /** Exactly-once keys: at most one row per channel for each (unique indexes). */
  sourceEventId?: string;
  reminderId?: string;
  digestId?: string;
  data?: Prisma.InputJsonObject;
}

/** Timestamps are stored as UTC without a zone: arrays of them are passed the same way. */
const utc = (d: Date | null) => (d ? d.toISOString().replace('Z', '') : null);

/**
 * Writes the rows of `items` (skipping any a unique key says exist already) and a
 * `notification.created` event per new in-app row, in one statement whatever the number of rows
 * (unnest: a statement of one shape, planned once). Returns the number of rows written.
 */
export async function issueNotifications(
  tx: DbOrTx,
  items: NewNotification[],
  recipients: Map<string, Recipient>,
  now: Date,
): Promise<number> {
  const rows: {
    userId: string;
    channel: NotificationChannel;
    channels: string;
    kind: string;
    title: string;
    body: string;
    data: string | null;
    subjectKind: string | null;
    subjectId: string | null;
    sourceEventId: string | null;
    reminderId: string | null;
    digestId: string | null;
    sentAt: string | null;
    scheduledFor: string | null;
  }[] = [];
  for (const item of items) {
    const r = recipients.get(item.userId);
    if (!r) continue;
    const allowed = { IN_APP: r.inAppEnabled, EMAIL: r.emailEnabled, PUSH: r.pushEnabled };
    const channels = item.channels.filter((c) => allowed[c]);
    if (channels.length === 0) continue;
    const quiet =
      r.quietHoursStart !== null && r.quietHoursEnd !== null
        ? { start: r.quietHoursStart, end: r.quietHoursEnd }
        : null;
    const outgoingAt = afterQuietHours(now, r.timezone, quiet);
    for (const channel of channels) {
      rows.push({
        userId: item.userId,
        channel,
        channels: channels.join(','),
        kind: item.kind,
        title: item.title,
        body: item.body,
        data: item.data ? JSON.stringify(item.data) : null,
        subjectKind: item.subject?.kind ?? null,
        subjectId: item.subject?.id ?? null,
        sourceEventId: item.sourceEventId ?? null,
        reminderId: item.reminderId ?? null,
        digestId: item.digestId ?? null,
        sentAt: channel === 'IN_APP' ? utc(now) : null,
        scheduledFor: channel === 'IN_APP' ? null : utc(outgoingAt),
      });
    }
  }
  if (rows.length === 0) return 0;
  const col = <K extends keyof (typeof rows)[number]>(key: K) => rows.map((r) => r[key]);
  // The events are written as recordEvent writes them (type from the catalog, its version).
  const [result] = await tx.$queryRaw<{ written: number }[]>`
    WITH input AS (
      SELECT * FROM unnest(
        ${col('userId')}::uuid[], ${col('channel')}::text[], ${col('channels')}::text[], ${col('kind')}::text[],
        ${col('title')}::text[], ${col('body')}::text[], ${col('data')}::text[], ${col('subjectKind')}::text[],
        ${col('subjectId')}::uuid[], ${col('sourceEventId')}::uuid[], ${col('reminderId')}::uuid[],
        ${col('digestId')}::uuid[], ${col('sentAt')}::timestamp[], ${col('scheduledFor')}::timestamp[]
      ) AS t("userId", channel, channels, kind, title, body, data, "subjectKind", "subjectId", "sourceEventId",
             "reminderId", "digestId", "sentAt", "scheduledFor")
    ),
    written AS (
      INSERT INTO "Notification" ("id", "userId", "channel", "channels", "kind", "title", "body", "data", "subjectKind",
        "subjectId", "sourceEventId", "reminderId", "digestId", "sentAt", "scheduledFor", "createdAt", "updatedAt")
      SELECT gen_random_uuid(), i."userId", i.channel::"NotificationChannel",
             string_to_array(i.channels, ',')::"NotificationChannel"[], i.kind, i.title, i.body, i.data::jsonb,
             i."subjectKind", i."subjectId", i."sourceEventId", i."reminderId", i."digestId", i."sentAt",
             i."scheduledFor", ${now}::timestamp, ${now}::timestamp
      FROM input i
      ON CONFLICT DO NOTHING
      RETURNING "id", "userId", "channel"
    ),
    events AS (
      INSERT INTO "OutboxEvent" ("id", "type", "version", "userId", "aggregateId", "payload", "occurredAt", "createdAt", "updatedAt")
      SELECT gen_random_uuid(), 'notification.created', ${EVENT_VERSIONS['notification.created']}::int, w."userId", w."id",
             jsonb_build_object('userId', w."userId", 'notificationId', w."id"), ${now}::timestamp, ${now}::timestamp,
             ${now}::timestamp
      FROM written w WHERE w.channel = 'IN_APP'
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM written)::int AS written, (SELECT count(*) FROM events)::int AS events`;
  return result?.written ?? 0;
}

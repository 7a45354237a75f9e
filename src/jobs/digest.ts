import type { Tx } from '../db/client.js';
import {
  issueNotifications,
  loadRecipients,
  type NewNotification,
} from '../resolvers/notifications/issue-notifications.js';
import { addDays, formatClock, isoDay, localTime, zonedInstant } from '../resolvers/notifications/notification-time.js';
import type { Job } from './runner.js';

/** Local time of day the digest goes out: 07:00. */
export const DIGEST_AT_MINUTES = 7 * 60;
const MAX_LINES = 20;

interface Candidate {
  userId: string;
  timezone: string;
  day: string;
  from: Date;
  to: Date;
}

interface TomorrowTask {
  userId: string;
  kind: 'ASSIGNMENT' | 'LECTURE' | 'STUDY_SESSION';
  title: string;
  at: Date;
}

/**
 * The daily digest: at 07:00 in each opted-in user's time zone (the first run at or after it that
 * local day), one notification listing tomorrow's tasks (open assignments due, lectures and
 * planned study sessions starting, between tomorrow's local midnights, DST included). Exactly once
 * per user and local day: the `Digest` row, unique per (user, day), written with ON CONFLICT DO
 * NOTHING in the transaction that issues the notification. A day with nothing tomorrow records its
 * row and sends nothing. Run it at least every 15 minutes for zones with :30 and :45 offsets.
 */
export function digestJob(): Job {
  return {
    name: 'digest',
    schedule: '*/15 * * * *',
    async run(tx, now) {
      const optedIn = await tx.$queryRaw<{ userId: string; timezone: string }[]>`
        SELECT u."id" AS "userId", u."timezone" FROM "NotificationPreference" p
        JOIN "User" u ON u."id" = p."userId" AND u."deletedAt" IS NULL
        WHERE p."dailyDigestEnabled" AND p."deletedAt" IS NULL`;
      const candidates: Candidate[] = [];
      for (const { userId, timezone } of optedIn) {
        const local = localTime(now, timezone);
        if (local.minutes < DIGEST_AT_MINUTES) continue;
        const from = zonedInstant({ ...addDays(local, 1), minutes: 0 }, timezone);
        const to = zonedInstant({ ...addDays(local, 2), minutes: 0 }, timezone);
        candidates.push({ userId, timezone, day: isoDay(local), from, to });
      }
      const pending = await withoutDigest(tx, candidates);
      if (pending.length === 0) return { rowsTouched: 0, digests: 0, notifications: 0 };
      const tasks = await tomorrowsTasks(tx, pending);
      const byUser = new Map<string, TomorrowTask[]>();
      for (const t of tasks) byUser.set(t.userId, [...(byUser.get(t.userId) ?? []), t]);
      const inserted = await tx.$queryRaw<{ id: string; userId: string }[]>`
        INSERT INTO "Digest" ("id", "userId", "day", "tasks", "createdAt", "updatedAt")
        SELECT gen_random_uuid(), c."userId", c."day", c."tasks", ${now}::timestamp, ${now}::timestamp
        FROM unnest(${pending.map((c) => c.userId)}::uuid[], ${pending.map((c) => c.day)}::text[],
                    ${pending.map((c) => byUser.get(c.userId)?.length ?? 0)}::int[]) AS c("userId", "day", "tasks")
        ON CONFLICT ("userId", "day") DO NOTHING
        RETURNING "id", "userId"`;
      const withTasks = inserted.filter((d) => byUser.has(d.userId));
      const recipients = await loadRecipients(
        tx,
        withTasks.map((d) => d.userId),
      );
      const timezones = new Map(pending.map((c) => [c.userId, c.timezone]));
      const items = withTasks.map((d) =>
        digestNotification(d.id, d.userId, byUser.get(d.userId)!, timezones.get(d.userId)!),
      );
      const notifications = await issueNotifications(tx, items, recipients, now);
      return { rowsTouched: inserted.length + notifications, digests: inserted.length, notifications };
    },
  };
}

async function withoutDigest(tx: Tx, candidates: Candidate[]): Promise<Candidate[]> {
  if (candidates.length === 0) return [];
  const done = await tx.$queryRaw<{ userId: string }[]>`
    SELECT d."userId" FROM "Digest" d
    JOIN unnest(${candidates.map((c) => c.userId)}::uuid[], ${candidates.map((c) => c.day)}::text[]) AS c("userId", "day")
      ON d."userId" = c."userId" AND d."day" = c."day"`;
  const skip = new Set(done.map((d) => d.userId));
  return candidates.filter((c) => !skip.has(c.userId));
}

/** Tomorrow's tasks of each candidate, in their own time zone's tomorrow: one statement. */
function tomorrowsTasks(tx: Tx, candidates: Candidate[]): Promise<TomorrowTask[]> {
  const users = candidates.map((c) => c.userId);
  // Timestamps are stored as UTC without a zone: pass the bounds the same way.
  const utc = (d: Date) => d.toISOString().replace('Z', '');
  const froms = candidates.map((c) => utc(c.from));
  const tos = candidates.map((c) => utc(c.to));
  return tx.$queryRaw<TomorrowTask[]>`
    WITH w AS (SELECT * FROM unnest(${users}::uuid[], ${froms}::timestamp[], ${tos}::timestamp[]) AS w("userId", f, t))
    SELECT a."userId", 'ASSIGNMENT' AS "kind", a."title", a."dueAt" AS "at" FROM w
      JOIN "Assignment" a ON a."userId" = w."userId" AND a."deletedAt" IS NULL AND a."completedAt" IS NULL
       AND a."dueAt" >= w.f AND a."dueAt" < w.t
    UNION ALL
    SELECT x."userId", 'LECTURE', x."title", x."startsAt" FROM w
      JOIN "Lecture" x ON x."userId" = w."userId" AND x."deletedAt" IS NULL AND x."startsAt" >= w.f AND x."startsAt" < w.t
    UNION ALL
    SELECT s."userId", 'STUDY_SESSION', s."title", s."startsAt" FROM w
      JOIN "StudySession" s ON s."userId" = w."userId" AND s."deletedAt" IS NULL AND s."actualMinutes" IS NULL
       AND s."startsAt" >= w.f AND s."startsAt" < w.t
    ORDER BY 4`;
}

const LABELS = { ASSIGNMENT: 'Due', LECTURE: 'Lecture', STUDY_SESSION: 'Study' } as const;

function digestNotification(
  digestId: string,
  userId: string,
  tasks: TomorrowTask[],
  timezone: string,
): NewNotification {
  const lines = tasks
    .slice(0, MAX_LINES)
    .map((t) => `${formatClock(localTime(t.at, timezone).minutes)} ${LABELS[t.kind]}: ${t.title}`);
  if (tasks.length > MAX_LINES) lines.push(`… and ${tasks.length - MAX_LINES} more.`);
  return {
    userId,
    kind: 'digest',
    title: `Tomorrow: ${tasks.length} ${tasks.length === 1 ? 'task' : 'tasks'}`,
    body: lines.join('\n'),
    channels: ['IN_APP', 'EMAIL', 'PUSH'],
    digestId,
    data: { tasks: tasks.length },
  };
}

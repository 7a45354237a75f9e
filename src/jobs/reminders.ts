import type { Tx } from '../db/client.js';
import {
  DEFAULT_LEAD_MINUTES,
  issueNotifications,
  loadRecipients,
  type NewNotification,
} from '../resolvers/notifications/issue-notifications.js';
import { formatClock, localTime } from '../resolvers/notifications/notification-time.js';
import type { Job } from './runner.js';

const BATCH = 5000;

interface DueReminder {
  id: string;
  userId: string;
  taskKind: 'ASSIGNMENT' | 'LECTURE' | 'STUDY_SESSION';
  taskId: string;
  leadMinutes: number;
  taskAt: Date;
  title: string;
}

/**
 * Reminders before tasks: for each open assignment at `dueAt - lead`, for each lecture and each
 * planned (not yet logged) study session at `startsAt - lead`, where lead is the owner's
 * `reminderLeadMinutes`.
 *
 * Pending reminders are not stored: a run issues every reminder whose time has come
 * (`taskAt - lead <= now`) for a task that is still ahead (`taskAt > now`) and has none yet for
 * that lead. So moving a due time or the lead time moves the reminder, completing or deleting
 * the task cancels it, restoring it brings it back while the task is still ahead, and a replica
 * that was down catches up (late, while the task is still ahead). A reminder whose time passed
 * while the task was far enough ahead is sent at once (a task created 30 minutes before it is due
 * with a 60-minute lead gets its reminder on the next run).
 *
 * Once a reminder is sent, moving the due time does not bring a second one for that lead.
 *
 * Exactly once: the `Reminder` row, unique per (task, lead), is inserted with ON CONFLICT DO
 * NOTHING in the same transaction as the notifications it issues; only rows this run inserted
 * issue anything, so two runners (even without the job lock) and re-runs never send twice.
 *
 * Cost: per live user, one range probe of each task table's per-user index over (now, now + lead]
 * (Assignment_user_open_due_idx, Lecture_user_start_live_idx, StudySession_user_start_live_idx:
 * the indexes the dashboard and agenda use, so the job adds none); then four statements whatever
 * the number of reminders. Linear in users (2,000 at bench scale 1), not in tasks.
 */
export function remindersJob(options: { batch?: number } = {}): Job {
  return {
    name: 'reminders',
    schedule: '* * * * *',
    async run(tx, now) {
      const due = await insertDueReminders(tx, now, options.batch ?? BATCH);
      if (due.length === 0) return { rowsTouched: 0, reminders: 0, notifications: 0 };
      const recipients = await loadRecipients(
        tx,
        due.map((d) => d.userId),
      );
      const items: NewNotification[] = [];
      for (const d of due) {
        const r = recipients.get(d.userId);
        if (!r) continue;
        items.push(reminderNotification(d, r.timezone, now));
      }
      const notifications = await issueNotifications(tx, items, recipients, now);
      return { rowsTouched: due.length + notifications, reminders: due.length, notifications };
    },
  };
}

/** Finds the reminders due at `now` and records them (the exactly-once rule); returns the new ones. */
export function insertDueReminders(tx: Tx, now: Date, batch: number): Promise<DueReminder[]> {
  // Each LATERAL has a LIMIT, which keeps it a per-user index probe (a nested loop) rather than
  // letting the planner flatten it into a hash join over the whole task table.
  return tx.$queryRaw<DueReminder[]>`
    WITH users AS (
      SELECT u."id", COALESCE(p."reminderLeadMinutes", ${DEFAULT_LEAD_MINUTES}::int) AS lead
      FROM "User" u
      LEFT JOIN "NotificationPreference" p ON p."userId" = u."id" AND p."deletedAt" IS NULL
      WHERE u."deletedAt" IS NULL
    ),
    due AS (
      SELECT 'ASSIGNMENT' AS kind, t."id", u."id" AS "userId", t."dueAt" AS at, t."title", u.lead
      FROM users u CROSS JOIN LATERAL (
        SELECT a."id", a."dueAt", a."title" FROM "Assignment" a
        WHERE a."userId" = u."id" AND a."deletedAt" IS NULL AND a."completedAt" IS NULL
          AND a."dueAt" > ${now}::timestamp AND a."dueAt" <= ${now}::timestamp + make_interval(mins => u.lead)
        LIMIT ${batch}
      ) t
      UNION ALL
      SELECT 'LECTURE', t."id", u."id", t."startsAt", t."title", u.lead
      FROM users u CROSS JOIN LATERAL (
        SELECT x."id", x."startsAt", x."title" FROM "Lecture" x
        WHERE x."userId" = u."id" AND x."deletedAt" IS NULL
          AND x."startsAt" > ${now}::timestamp AND x."startsAt" <= ${now}::timestamp + make_interval(mins => u.lead)
        LIMIT ${batch}
      ) t
      UNION ALL
      SELECT 'STUDY_SESSION', t."id", u."id", t."startsAt", t."title", u.lead
      FROM users u CROSS JOIN LATERAL (
        SELECT s."id", s."startsAt", s."title" FROM "StudySession" s
        WHERE s."userId" = u."id" AND s."deletedAt" IS NULL AND s."actualMinutes" IS NULL
          AND s."startsAt" > ${now}::timestamp AND s."startsAt" <= ${now}::timestamp + make_interval(mins => u.lead)
        LIMIT ${batch}
      ) t
    ),
    fresh AS (
      SELECT d.* FROM due d
      -- A reminder at least as close to the task (a lead as short or shorter) makes this one moot.
      WHERE NOT EXISTS (SELECT 1 FROM "Reminder" r WHERE r."taskId" = d."id" AND r."leadMinutes" <= d.lead)
      ORDER BY d.at
      LIMIT ${batch}
    ),
    inserted AS (
      INSERT INTO "Reminder" ("id", "userId", "taskKind", "taskId", "leadMinutes", "taskAt", "createdAt", "updatedAt")
      SELECT gen_random_uuid(), f."userId", f.kind, f."id", f.lead, f.at, ${now}::timestamp, ${now}::timestamp FROM fresh f
      ON CONFLICT ("taskId", "leadMinutes") DO NOTHING
      RETURNING "id", "userId", "taskKind", "taskId", "leadMinutes", "taskAt"
    )
    SELECT i."id", i."userId", i."taskKind", i."taskId", i."leadMinutes", i."taskAt", f."title"
    FROM inserted i JOIN fresh f ON f."id" = i."taskId" AND f.lead = i."leadMinutes"`;
}

/** "1 hour", "45 minutes", "2 days": a duration as a reminder states it (rounded). */
export function describeDuration(minutes: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (minutes < 120) return plural(minutes, 'minute').replace(/^60 minutes$/, '1 hour');
  if (minutes < 2880) return plural(Math.round(minutes / 60), 'hour');
  return plural(Math.round(minutes / 1440), 'day');
}

function reminderNotification(d: DueReminder, timezone: string, now: Date): NewNotification {
  const at = formatClock(localTime(d.taskAt, timezone).minutes);
  const left = describeDuration(Math.max(1, Math.round((d.taskAt.getTime() - now.getTime()) / 60_000)));
  const isAssignment = d.taskKind === 'ASSIGNMENT';
  return {
    userId: d.userId,
    kind: 'reminder',
    title: isAssignment ? `Due in ${left}: ${d.title}` : `Starts in ${left}: ${d.title}`,
    body: isAssignment ? `"${d.title}" is due at ${at}.` : `"${d.title}" starts at ${at}.`,
    subject: { kind: d.taskKind, id: d.taskId },
    channels: ['IN_APP', 'EMAIL', 'PUSH'],
    reminderId: d.id,
    data: { taskAt: d.taskAt.toISOString(), leadMinutes: d.leadMinutes },
  };
}

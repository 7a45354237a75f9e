import type { Mailer } from '../mail/mailer.js';
import type { PushTransport } from '../mail/push.js';
import { deliverPush, type PushOutcome } from './deliver-push.js';
import type { Job } from './runner.js';

const BATCH = 200;
const MAX_ATTEMPTS = 5;

interface Outgoing {
  id: string;
  userId: string;
  channel: 'EMAIL' | 'PUSH';
  kind: string;
  title: string;
  body: string;
  attempts: number;
  email: string;
  pushedDeviceIds: string[] | null;
}

/**
 * Sends the EMAIL and PUSH rows whose time has come (now, or the end of the user's quiet hours),
 * oldest first, through the mail transport and, for push, to every registered device of the user
 * (src/jobs/deliver-push.ts, docs/push.md). Rows are claimed FOR UPDATE
 * SKIP LOCKED and marked sent in the same transaction, so two runners never take the same row.
 * A transport that throws leaves its row unsent with the error, retried 1, 2, 4, 8 minutes later
 * and given up after MAX_ATTEMPTS (scheduledFor cleared, lastError kept). External channels are
 * at least once: a crash between a transport accepting a message and the commit sends it again.
 * A PUSH row records the devices that accepted it (pushedDeviceIds): a retry sends only to the
 * others. One with nothing to send to (no device, push off) is closed unsent: scheduledFor
 * cleared, lastError saying why, sentAt null.
 */
export function deliverNotificationsJob(deps: { mailer: Mailer; push: PushTransport }): Job {
  return {
    name: 'deliver-notifications',
    schedule: '* * * * *',
    async run(tx, now) {
      const rows = await tx.$queryRaw<Outgoing[]>`
        SELECT n."id", n."userId", n."channel"::text AS "channel", n."kind", n."title", n."body", n."attempts",
               n."pushedDeviceIds", u."email"
        FROM "Notification" n JOIN "User" u ON u."id" = n."userId" AND u."deletedAt" IS NULL
        WHERE n."sentAt" IS NULL AND n."deletedAt" IS NULL AND n."channel" <> 'IN_APP' AND n."scheduledFor" <= ${now}::timestamp
        ORDER BY n."scheduledFor"
        LIMIT ${BATCH}
        FOR UPDATE OF n SKIP LOCKED`;
      const sent: string[] = [];
      const failed: { id: string; error: string; retryAt: string | null }[] = [];
      const fail = (row: Outgoing, error: string) => {
        const attempt = row.attempts + 1;
        const retryAt = attempt >= MAX_ATTEMPTS ? null : new Date(now.getTime() + 60_000 * 2 ** (attempt - 1));
        failed.push({
          id: row.id,
          error: error.slice(0, 1000),
          retryAt: retryAt && retryAt.toISOString().replace('Z', ''),
        });
      };
      for (const row of rows) {
        if (row.channel !== 'EMAIL') continue;
        try {
          await deps.mailer.send({ to: row.email, subject: row.title, text: `${row.body}\n\n— Study Planner` });
          sent.push(row.id);
        } catch (err) {
          fail(row, err instanceof Error ? err.message : String(err));
        }
      }
      const pushRows = rows.filter((r) => r.channel === 'PUSH');
      const pushed = await deliverPush(tx, pushRows, deps.push);
      const accepted: { id: string; devices: string[] }[] = [];
      const closed: { id: string; reason: string }[] = [];
      for (const row of pushRows) {
        const outcome = pushed.get(row.id) as PushOutcome;
        if (outcome.kind === 'closed') closed.push({ id: row.id, reason: outcome.reason });
        else {
          if (outcome.accepted.length > 0) accepted.push({ id: row.id, devices: outcome.accepted });
          if (outcome.kind === 'sent') sent.push(row.id);
          else fail(row, outcome.error);
        }
      }
      if (accepted.length > 0) {
        await tx.$executeRaw`
          UPDATE "Notification" n
          SET "pushedDeviceIds" = COALESCE(n."pushedDeviceIds", '{}') || f."devices", "updatedAt" = ${now}::timestamp
          FROM jsonb_to_recordset(${JSON.stringify(accepted)}::jsonb) AS f("id" uuid, "devices" uuid[])
          WHERE n."id" = f."id"`;
      }
      if (closed.length > 0) {
        await tx.$executeRaw`
          UPDATE "Notification" n
          SET "scheduledFor" = NULL, "lastError" = f."reason", "updatedAt" = ${now}::timestamp
          FROM jsonb_to_recordset(${JSON.stringify(closed)}::jsonb) AS f("id" uuid, "reason" text)
          WHERE n."id" = f."id"`;
      }
      if (sent.length > 0) {
        await tx.$executeRaw`
          UPDATE "Notification" SET "sentAt" = ${now}::timestamp, "updatedAt" = ${now}::timestamp
          WHERE "id" = ANY(${sent}::uuid[])`;
      }
      if (failed.length > 0) {
        await tx.$executeRaw`
          UPDATE "Notification" n
          SET "attempts" = n."attempts" + 1, "lastError" = f.error, "scheduledFor" = f."retryAt", "updatedAt" = ${now}::timestamp
          FROM unnest(${failed.map((f) => f.id)}::uuid[], ${failed.map((f) => f.error)}::text[],
                      ${failed.map((f) => f.retryAt)}::timestamp[]) AS f("id", error, "retryAt")
          WHERE n."id" = f."id"`;
      }
      return {
        rowsTouched: sent.length + failed.length + closed.length,
        sent: sent.length,
        failed: failed.length,
        closed: closed.length,
      };
    },
  };
}

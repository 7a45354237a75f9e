import type { Mailer } from '../mail/mailer.js';
import type { PushTransport } from '../mail/push.js';
import type { Job } from './runner.js';

const BATCH = 200;
const MAX_ATTEMPTS = 5;

interface Outgoing {
  id: string;
  userId: string;
  channel: 'EMAIL' | 'PUSH';
  title: string;
  body: string;
  attempts: number;
  email: string;
}

/**
 * Sends the EMAIL and PUSH rows whose time has come (now, or the end of the user's quiet hours),
 * oldest first, through the mail transport and the push transport. Rows are claimed FOR UPDATE
 * SKIP LOCKED and marked sent in the same transaction, so two runners never take the same row.
 * A transport that throws leaves its row unsent with the error, retried 1, 2, 4, 8 minutes later
 * and given up after MAX_ATTEMPTS (scheduledFor cleared, lastError kept). External channels are
 * at least once: a crash between a transport accepting a message and the commit sends it again.
 */
export function deliverNotificationsJob(deps: { mailer: Mailer; push: PushTransport }): Job {
  return {
    name: 'deliver-notifications',
    schedule: '* * * * *',
    async run(tx, now) {
      const rows = await tx.$queryRaw<Outgoing[]>`
        SELECT n."id", n."userId", n."channel"::text AS "channel", n."title", n."body", n."attempts", u."email"
        FROM "Notification" n JOIN "User" u ON u."id" = n."userId" AND u."deletedAt" IS NULL
        WHERE n."sentAt" IS NULL AND n."deletedAt" IS NULL AND n."channel" <> 'IN_APP' AND n."scheduledFor" <= ${now}::timestamp
        ORDER BY n."scheduledFor"
        LIMIT ${BATCH}
        FOR UPDATE OF n SKIP LOCKED`;
      const sent: string[] = [];
      const failed: { id: string; error: string; retryAt: string | null }[] = [];
      for (const row of rows) {
        try {
          if (row.channel === 'EMAIL') {
            await deps.mailer.send({ to: row.email, subject: row.title, text: `${row.body}\n\n— Study Planner` });
          } else {
            await deps.push.send({ userId: row.userId, title: row.title, body: row.body, notificationId: row.id });
          }
          sent.push(row.id);
        } catch (err) {
          const attempt = row.attempts + 1;
          const retryAt = attempt >= MAX_ATTEMPTS ? null : new Date(now.getTime() + 60_000 * 2 ** (attempt - 1));
          failed.push({
            id: row.id,
            error: (err instanceof Error ? err.message : String(err)).slice(0, 1000),
            retryAt: retryAt && retryAt.toISOString().replace('Z', ''),
          });
        }
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
      return { rowsTouched: sent.length + failed.length, sent: sent.length, failed: failed.length };
    },
  };
}

import { recordEvent } from '../events/outbox.js';
import type { Job } from './runner.js';

const BATCH = 500;

/**
 * Downgrades PREMIUM accounts whose subscription expired more than `graceMs` ago without a
 * renewal (RevenueCat's EXPIRATION webhook normally does this; the job covers a lost or late
 * one). Each downgrade writes `subscription.changed` in the same transaction. It does not move
 * the account's webhook clock (subscriptionEventAt): a renewal that was delivered late still
 * applies. At most BATCH accounts per run, read through User_premium_expiry_idx.
 */
export function expireSubscriptionsJob(options: { graceMs: number }): Job {
  return {
    name: 'expire-subscriptions',
    // Every 10 minutes.
    schedule: '*/10 * * * *',
    async run(tx, now) {
      const cutoff = new Date(now.getTime() - options.graceMs);
      const expired = await tx.$queryRaw<{ id: string }[]>`
        WITH due AS (
          SELECT "id" FROM "User"
          WHERE "subscriptionTier" = 'PREMIUM' AND "deletedAt" IS NULL AND "subscriptionExpiresAt" < ${cutoff}
          ORDER BY "subscriptionExpiresAt"
          LIMIT ${BATCH}
          FOR UPDATE SKIP LOCKED)
        UPDATE "User" u
        SET "subscriptionTier" = 'FREE', "subscriptionExpiresAt" = NULL, "updatedAt" = ${now}
        FROM due WHERE u."id" = due."id"
        RETURNING u."id"`;
      for (const { id } of expired) {
        await recordEvent(tx, {
          type: 'subscription.changed',
          payload: {
            userId: id,
            tier: 'FREE',
            previousTier: 'PREMIUM',
            expiresAt: null,
            cause: 'EXPIRY_JOB',
            willRenew: false,
          },
          userId: id,
          aggregateId: id,
          occurredAt: now,
        });
      }
      return { rowsTouched: expired.length, downgraded: expired.length };
    },
  };
}

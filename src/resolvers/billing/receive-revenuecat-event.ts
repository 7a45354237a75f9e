import { z } from 'zod';
import type { Tx } from '../../db/client.js';
import { ValidationError } from '../../errors.js';
import { recordEvent } from '../../events/outbox.js';
import { type Prisma } from '../../generated/prisma/client.js';
import { isUuid } from '../access.js';
import { unstorableJson } from '../shared.js';
import type { DomainContext } from '../domain-context.js';

/**
 * What the webhook needs of the domain context: no viewer (RevenueCat is not a user; the route
 * checks its shared secret before calling), and no tokens or live updates.
 */
export type WebhookContext = Pick<DomainContext, 'db' | 'now' | 'events' | 'logger'>;

/** The RevenueCat webhook body: `{ api_version, event: {...} }`. Fields not named here are kept, unread. */
export interface ReceiveRevenueCatEventInput {
  /** The parsed JSON body. */
  body: unknown;
}

/**
 * What a delivery did. DUPLICATE: its event id was seen before (nothing stored again);
 * APPLIED: the account's subscription (or a billing-issue notification) follows it; STALE: an
 * event newer than it was applied already; UNMATCHED: no live account has any of its user ids;
 * IGNORED: TEST and event types the app does not act on.
 */
export type WebhookOutcome = 'APPLIED' | 'STALE' | 'UNMATCHED' | 'IGNORED' | 'DUPLICATE';

export const PROVIDER = 'revenuecat';

/** Types that make the account PREMIUM until `expiration_at_ms`. */
const ACTIVATING = new Set([
  'INITIAL_PURCHASE',
  'RENEWAL',
  'PRODUCT_CHANGE',
  'UNCANCELLATION',
  'SUBSCRIPTION_EXTENDED',
]);
/** Every type that changes something; others are stored as IGNORED. */
const HANDLED = new Set([...ACTIVATING, 'CANCELLATION', 'EXPIRATION', 'BILLING_ISSUE']);

/** RevenueCat bodies nest four levels or so; far deeper is refused before it is walked. */
const MAX_BODY_DEPTH = 32;

/**
 * Epoch milliseconds up to 9999-12-31T23:59:59.999Z: a later instant has no RFC 3339 form, so
 * once stored it could not be read back through the DateTime scalar.
 */
export const MAX_EPOCH_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const millis = z.number().int().min(0).max(MAX_EPOCH_MS).nullish();
const userId = z.string().max(500).nullish();
const schema = z.object({
  api_version: z.string().max(20).nullish(),
  event: z.looseObject({
    id: z.string().min(1).max(200),
    type: z.string().min(1).max(100),
    app_user_id: userId,
    original_app_user_id: userId,
    aliases: z.array(z.string().max(500)).max(1000).nullish(),
    event_timestamp_ms: millis,
    purchased_at_ms: millis,
    expiration_at_ms: millis,
    grace_period_expiration_at_ms: millis,
    product_id: z.string().max(500).nullish(),
    environment: z.string().max(50).nullish(),
  }),
});
type RevenueCatEvent = z.infer<typeof schema>['event'];

interface LockedUser {
  id: string;
  subscriptionTier: 'FREE' | 'PREMIUM';
  subscriptionExpiresAt: Date | null;
  subscriptionEventAt: Date | null;
}

/**
 * Applies one RevenueCat webhook delivery, in one transaction: the WebhookEvent row (unique by
 * event id: a redelivery changes nothing), the account's subscription, and a
 * `subscription.changed` (or `subscription.billing_issue`) outbox event.
 *
 * Ordering: the account keeps the event time (`event_timestamp_ms`) of the last event applied;
 * an event older than it is stored as STALE and changes nothing, so a late, older event never
 * overrides a newer state (events with the same time apply in the order they arrive; a
 * redelivery of one event is caught by its id). The account row is locked while deciding, so two deliveries for one
 * account apply one after the other.
 *
 * Tier rule for the state events: PREMIUM while `expiration_at_ms` is in the future (or absent:
 * a lifetime purchase), FREE otherwise; CANCELLATION therefore keeps PREMIUM until the expiry
 * (and a refund, which RevenueCat reports as a CANCELLATION expiring now, ends it); EXPIRATION
 * makes the account FREE.
 */
export async function receiveRevenueCatEvent(
  ctx: WebhookContext,
  input: ReceiveRevenueCatEventInput,
): Promise<{ outcome: WebhookOutcome; webhookEventId: string | null }> {
  // Checked before anything else walks the body: it is stored as received, or not at all.
  const unstorable = unstorableJson(input.body, MAX_BODY_DEPTH);
  if (unstorable) throw new ValidationError(`Not a storable webhook body: it ${unstorable}.`);
  const parsed = schema.safeParse(input.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(`Not a RevenueCat webhook event: ${issue?.path.join('.') || 'body'} ${issue?.message}`);
  }
  const event = parsed.data.event;
  const now = ctx.now();
  const eventAt = event.event_timestamp_ms == null ? now : new Date(event.event_timestamp_ms);

  const result = await ctx.db.$transaction(async (tx) => {
    const [stored] = await tx.webhookEvent.createManyAndReturn({
      data: [
        {
          provider: PROVIDER,
          externalId: event.id,
          type: event.type,
          payload: parsed.data as Prisma.InputJsonObject,
          eventAt,
        },
      ],
      skipDuplicates: true,
      select: { id: true },
    });
    if (!stored) return { outcome: 'DUPLICATE' as const, webhookEventId: null, userId: null };
    const finish = async (outcome: WebhookOutcome, userId: string | null = null, error: string | null = null) => {
      await tx.webhookEvent.update({
        where: { id: stored.id },
        data: { outcome, userId, processedAt: now, error },
      });
      return { outcome, webhookEventId: stored.id, userId };
    };

    if (!HANDLED.has(event.type)) return finish('IGNORED');
    const user = await lockAccount(tx, event);
    if (!user) return finish('UNMATCHED');
    if (user.subscriptionEventAt && eventAt < user.subscriptionEventAt) return finish('STALE', user.id);

    if (event.type === 'BILLING_ISSUE') {
      await tx.user.update({ where: { id: user.id }, data: { subscriptionEventAt: eventAt } });
      const grace = event.grace_period_expiration_at_ms;
      await recordEvent(tx, {
        type: 'subscription.billing_issue',
        payload: {
          userId: user.id,
          webhookEventId: stored.id,
          gracePeriodEndsAt: grace == null ? null : new Date(grace).toISOString(),
        },
        userId: user.id,
        aggregateId: user.id,
      });
      return finish('APPLIED', user.id);
    }

    let expiresAt: Date | null;
    if (event.type === 'EXPIRATION') expiresAt = null;
    else if (event.expiration_at_ms != null) expiresAt = new Date(event.expiration_at_ms);
    else if (event.type === 'CANCELLATION') expiresAt = user.subscriptionExpiresAt;
    else expiresAt = null;
    const tier =
      event.type === 'EXPIRATION' || (expiresAt !== null && expiresAt <= now)
        ? ('FREE' as const)
        : ('PREMIUM' as const);
    if (tier === 'FREE') expiresAt = null;
    await tx.user.update({
      where: { id: user.id },
      data: { subscriptionTier: tier, subscriptionExpiresAt: expiresAt, subscriptionEventAt: eventAt },
    });
    await recordEvent(tx, {
      type: 'subscription.changed',
      payload: {
        userId: user.id,
        tier,
        previousTier: user.subscriptionTier,
        expiresAt: expiresAt?.toISOString() ?? null,
        cause: event.type,
        willRenew: tier === 'PREMIUM' && event.type !== 'CANCELLATION',
      },
      userId: user.id,
      aggregateId: user.id,
    });
    return finish('APPLIED', user.id);
  });

  if (result.outcome === 'APPLIED') ctx.events.notify();
  ctx.logger.info(
    {
      webhookEventId: result.webhookEventId,
      externalId: event.id,
      type: event.type,
      outcome: result.outcome,
      userId: result.userId,
    },
    'revenuecat webhook',
  );
  return { outcome: result.outcome, webhookEventId: result.webhookEventId };
}

/**
 * The live account the event is about, locked until the transaction ends: the app sets
 * RevenueCat's app user id to the account id, so the first of app_user_id, original_app_user_id
 * and the aliases that is a live account's id. Anonymous RevenueCat ids ($RCAnonymousID:…) are
 * not uuids and match nothing.
 */
async function lockAccount(tx: Tx, event: RevenueCatEvent): Promise<LockedUser | null> {
  const candidates = [event.app_user_id, event.original_app_user_id, ...(event.aliases ?? [])].filter(
    (id): id is string => typeof id === 'string' && isUuid(id),
  );
  if (candidates.length === 0) return null;
  const ids = [...new Set(candidates.map((id) => id.toLowerCase()))];
  const rows = await tx.$queryRaw<LockedUser[]>`
    SELECT "id", "subscriptionTier"::text AS "subscriptionTier", "subscriptionExpiresAt", "subscriptionEventAt"
    FROM "User"
    WHERE "id" = ANY(${ids}::uuid[]) AND "deletedAt" IS NULL
    ORDER BY array_position(${ids}::uuid[], "id")
    LIMIT 1
    FOR UPDATE`;
  return rows[0] ?? null;
}

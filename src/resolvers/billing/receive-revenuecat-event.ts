import { z } from 'zod';
import type { Tx } from '../../db/client.js';
import { ValidationError } from '../../errors.js';
import { recordEvent } from '../../events/outbox.js';
import { Prisma } from '../../generated/prisma/client.js';
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
  /** Config.billing.nonRenewingDays: days of PREMIUM per non-renewing product; one not listed is for life. */
  nonRenewingDays?: Record<string, number>;
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
const HANDLED = new Set([
  ...ACTIVATING,
  'NON_RENEWING_PURCHASE',
  'CANCELLATION',
  'EXPIRATION',
  'BILLING_ISSUE',
  'TRANSFER',
]);

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
    entitlement_ids: z.array(z.string().max(200)).max(100).nullish(),
    transferred_from: z.array(z.string().max(500)).max(100).nullish(),
    transferred_to: z.array(z.string().max(500)).max(100).nullish(),
    environment: z.string().max(50).nullish(),
  }),
});
type RevenueCatEvent = z.infer<typeof schema>['event'];

type Tier = 'FREE' | 'PREMIUM';

/** What an account holds: the tier, its end (null: none), the entitlements, a lifetime product. */
interface Subscription {
  tier: Tier;
  expiresAt: Date | null;
  entitlementIds: string[];
  lifetimeProductId: string | null;
}

interface LockedUser extends Subscription {
  id: string;
  eventAt: Date | null;
}

const FREE: Subscription = { tier: 'FREE', expiresAt: null, entitlementIds: [], lifetimeProductId: null };

/**
 * Applies one RevenueCat webhook delivery, in one transaction: the WebhookEvent row (unique by
 * event id: a redelivery changes nothing), the accounts' subscriptions, and a
 * `subscription.changed` (or `subscription.billing_issue`) outbox event per account changed.
 *
 * Ordering: an account keeps the event time (`event_timestamp_ms`) of the last event applied to
 * it; an event older than it is stored as STALE and changes nothing, so a late, older event never
 * overrides a newer state (events with the same time apply in the order they arrive; a
 * redelivery of one event is caught by its id). The account rows are locked while deciding (in
 * id order), so two deliveries for one account apply one after the other.
 *
 * Tier rule for the subscription events: PREMIUM while `expiration_at_ms` is in the future (or
 * absent), FREE otherwise; CANCELLATION therefore keeps PREMIUM until the expiry (and a refund,
 * which RevenueCat reports as a CANCELLATION expiring now, ends it); EXPIRATION makes the account
 * FREE. NON_RENEWING_PURCHASE gives PREMIUM for the product's configured days from the purchase
 * (REVENUECAT_NON_RENEWING_DAYS), never shortening a longer PREMIUM, or for life when the product
 * has none: a lifetime account stays PREMIUM whatever its subscriptions do, until a CANCELLATION
 * (a refund) of the lifetime product itself. TRANSFER moves what the accounts of
 * `transferred_from` hold to those of `transferred_to` (merged with what they hold already) and
 * leaves the former FREE. The entitlement ids of the event are kept with the account.
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
  const nonRenewingDays = input.nonRenewingDays ?? {};

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
    const change = (user: LockedUser, next: Subscription) =>
      applySubscription(tx, user, next, { cause: event.type, eventAt, now });

    if (!HANDLED.has(event.type)) return finish('IGNORED');
    if (event.type === 'TRANSFER') {
      const fromIds = uuids(event.transferred_from ?? []);
      const locked = await lockAccounts(tx, [...fromIds, ...uuids(event.transferred_to ?? [])]);
      const from = locked.filter((a) => fromIds.includes(a.id));
      const to = locked.filter((a) => !fromIds.includes(a.id));
      const current = [...from, ...to].filter((a) => !a.eventAt || eventAt >= a.eventAt);
      if (from.length + to.length === 0) return finish('UNMATCHED');
      if (current.length === 0) return finish('STALE', (to[0] ?? from[0])?.id ?? null);
      const moving = from.filter((a) => current.includes(a)).reduce<Subscription>((a, b) => better(a, b, now), FREE);
      for (const account of from) if (current.includes(account)) await change(account, FREE);
      for (const account of to) if (current.includes(account)) await change(account, better(account, moving, now));
      return finish('APPLIED', (to[0] ?? from[0])?.id ?? null);
    }
    const user = await lockAccount(
      tx,
      uuids([event.app_user_id, event.original_app_user_id, ...(event.aliases ?? [])]),
    );
    if (!user) return finish('UNMATCHED');
    if (user.eventAt && eventAt < user.eventAt) return finish('STALE', user.id);

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
    await change(user, nextSubscription(event, user, { now, eventAt, nonRenewingDays }));
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

/** What an account holds after a purchase or subscription event (not TRANSFER or BILLING_ISSUE). */
function nextSubscription(
  event: RevenueCatEvent,
  current: LockedUser,
  at: { now: Date; eventAt: Date; nonRenewingDays: Record<string, number> },
): Subscription {
  const entitlementIds = event.entitlement_ids ?? current.entitlementIds;
  if (event.type === 'NON_RENEWING_PURCHASE') {
    const days = event.product_id ? at.nonRenewingDays[event.product_id] : undefined;
    const purchase: Subscription =
      days === undefined
        ? { tier: 'PREMIUM', expiresAt: null, entitlementIds, lifetimeProductId: event.product_id ?? event.id }
        : {
            tier: 'PREMIUM',
            expiresAt: new Date((event.purchased_at_ms ?? at.eventAt.getTime()) + days * 86_400_000),
            entitlementIds,
            lifetimeProductId: null,
          };
    return better(current, purchase, at.now);
  }
  // A refund of the lifetime product ends it, and PREMIUM with it.
  if (current.lifetimeProductId && event.type === 'CANCELLATION' && event.product_id === current.lifetimeProductId)
    return FREE;
  let expiresAt: Date | null;
  if (event.type === 'EXPIRATION') expiresAt = null;
  else if (event.expiration_at_ms != null) expiresAt = new Date(event.expiration_at_ms);
  else if (event.type === 'CANCELLATION') expiresAt = current.expiresAt;
  else expiresAt = null;
  const ended = event.type === 'EXPIRATION' || (expiresAt !== null && expiresAt <= at.now);
  // A lifetime purchase outlives every subscription.
  if (current.lifetimeProductId)
    return {
      ...current,
      tier: 'PREMIUM',
      expiresAt: null,
      entitlementIds: [...new Set([...current.entitlementIds, ...(ended ? [] : entitlementIds)])],
    };
  return ended ? FREE : { tier: 'PREMIUM', expiresAt, entitlementIds, lifetimeProductId: null };
}

/** The longer-lasting of two holdings (lifetime, then no end, then the later end), entitlements merged. */
function better(a: Subscription, b: Subscription, now: Date): Subscription {
  const rank = (s: Subscription) =>
    s.tier !== 'PREMIUM' || (s.expiresAt && s.expiresAt <= now)
      ? -1
      : s.lifetimeProductId
        ? Infinity
        : (s.expiresAt?.getTime() ?? Number.MAX_SAFE_INTEGER);
  const [kept, other] = rank(b) > rank(a) ? [b, a] : [a, b];
  if (rank(kept) < 0) return FREE;
  return {
    ...kept,
    entitlementIds: [...new Set([...kept.entitlementIds, ...(rank(other) < 0 ? [] : other.entitlementIds)])],
  };
}

/** Writes an account's new holding and, when its tier or end changed, a `subscription.changed` event. */
async function applySubscription(
  tx: Tx,
  user: LockedUser,
  next: Subscription,
  how: { cause: string; eventAt: Date; now: Date },
): Promise<void> {
  await tx.user.update({
    where: { id: user.id },
    data: {
      subscriptionTier: next.tier,
      subscriptionExpiresAt: next.expiresAt,
      entitlementIds: next.entitlementIds,
      lifetimeProductId: next.lifetimeProductId,
      subscriptionEventAt: how.eventAt,
    },
  });
  if (next.tier === user.tier && next.expiresAt?.getTime() === user.expiresAt?.getTime() && how.cause === 'TRANSFER')
    return;
  await recordEvent(tx, {
    type: 'subscription.changed',
    payload: {
      userId: user.id,
      tier: next.tier,
      previousTier: user.tier,
      expiresAt: next.expiresAt?.toISOString() ?? null,
      cause: how.cause,
      willRenew:
        next.tier === 'PREMIUM' &&
        !next.lifetimeProductId &&
        !['CANCELLATION', 'NON_RENEWING_PURCHASE', 'TRANSFER'].includes(how.cause),
      ...(next.lifetimeProductId ? { lifetime: true } : {}),
    },
    userId: user.id,
    aggregateId: user.id,
  });
}

/**
 * RevenueCat user ids that can be account ids, lower-cased, each once, in their order: the app
 * sets RevenueCat's app user id to the account id; anonymous ids ($RCAnonymousID:…) are not uuids.
 */
function uuids(userIds: (string | null | undefined)[]): string[] {
  return [
    ...new Set(
      userIds.filter((id): id is string => typeof id === 'string' && isUuid(id)).map((id) => id.toLowerCase()),
    ),
  ];
}

const LOCKED_COLUMNS = Prisma.sql`"id", "subscriptionTier"::text AS "tier", "subscriptionExpiresAt" AS "expiresAt",
  "subscriptionEventAt" AS "eventAt", COALESCE("entitlementIds", '{}') AS "entitlementIds", "lifetimeProductId"`;

/** The first of `ids` that is a live account, locked until the transaction ends. */
async function lockAccount(tx: Tx, ids: string[]): Promise<LockedUser | null> {
  if (ids.length === 0) return null;
  const rows = await tx.$queryRaw<LockedUser[]>`
    SELECT ${LOCKED_COLUMNS} FROM "User"
    WHERE "id" = ANY(${ids}::uuid[]) AND "deletedAt" IS NULL
    ORDER BY array_position(${ids}::uuid[], "id")
    LIMIT 1
    FOR UPDATE`;
  return rows[0] ?? null;
}

/**
 * The live accounts among `ids`, locked until the transaction ends in id order (two deliveries
 * locking the same accounts cannot deadlock), given in the order of `ids`.
 */
async function lockAccounts(tx: Tx, ids: string[]): Promise<LockedUser[]> {
  if (ids.length === 0) return [];
  const rows = await tx.$queryRaw<LockedUser[]>`
    SELECT ${LOCKED_COLUMNS} FROM "User"
    WHERE "id" = ANY(${ids}::uuid[]) AND "deletedAt" IS NULL
    ORDER BY "id"
    FOR UPDATE`;
  return rows.sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id));
}

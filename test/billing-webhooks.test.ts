import { createHmac, randomUUID } from 'node:crypto';
import { ConfigError, loadConfig } from '../src/config.js';
import { expireSubscriptionsJob } from '../src/jobs/expire-subscriptions.js';
import { runJob } from '../src/jobs/runner.js';
import { createLogger } from '../src/observability/logger.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createUser } from './helpers/factories.js';

const SECRET = 'rc-webhook-secret-0123456789';
const DAY = 86_400_000;
let app: TestApp;

beforeAll(async () => {
  app = await createTestApp({
    env: { REVENUECAT_WEBHOOK_SECRET: SECRET, REVENUECAT_NON_RENEWING_DAYS: '{"premium_semester":180}' },
  });
});
afterAll(() => app.close());

interface EventFields {
  type: string;
  app_user_id?: string;
  aliases?: string[];
  original_app_user_id?: string;
  event_timestamp_ms?: number;
  expiration_at_ms?: number | null;
  grace_period_expiration_at_ms?: number;
  id?: string;
  product_id?: string;
  purchased_at_ms?: number;
  entitlement_ids?: string[];
  transferred_from?: string[];
  transferred_to?: string[];
}

/** A RevenueCat webhook body, shaped like RevenueCat's samples. */
function rcEvent(fields: EventFields) {
  const now = app.clock.now.getTime();
  return {
    api_version: '1.0',
    event: {
      id: randomUUID().toUpperCase(),
      event_timestamp_ms: now,
      product_id: 'premium_monthly',
      period_type: 'NORMAL',
      purchased_at_ms: now,
      expiration_at_ms: now + 30 * DAY,
      environment: 'SANDBOX',
      entitlement_ids: ['premium'],
      store: 'APP_STORE',
      aliases: fields.app_user_id ? [fields.app_user_id] : [],
      original_app_user_id: fields.app_user_id,
      ...fields,
    },
  };
}

function post(body: unknown, init: { auth?: string | null; contentType?: string; raw?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': init.contentType ?? 'application/json' };
  const auth = init.auth === undefined ? SECRET : init.auth;
  if (auth !== null) headers.authorization = auth;
  return app.fetch('/webhooks/revenuecat', { method: 'POST', headers, body: init.raw ?? JSON.stringify(body) });
}

async function send(body: ReturnType<typeof rcEvent>) {
  const res = await post(body);
  expect(res.status).toBe(200);
  return (await res.json()) as { outcome: string; webhookEventId: string | null };
}

const account = (id: string) =>
  app.db.user.findUniqueOrThrow({
    where: { id },
    select: {
      subscriptionTier: true,
      subscriptionExpiresAt: true,
      subscriptionEventAt: true,
      entitlementIds: true,
      lifetimeProductId: true,
    },
  });
const changes = (userId: string) =>
  app.db.outboxEvent.findMany({ where: { userId, type: 'subscription.changed' }, orderBy: { occurredAt: 'asc' } });
const storedEvents = (externalId: string) =>
  app.db.webhookEvent.count({ where: { provider: 'revenuecat', externalId } });

describe('RevenueCat webhook: authentication and body checks store nothing', () => {
  it.each([
    ['no Authorization header', 401, { auth: null }],
    ['a wrong secret', 401, { auth: 'not-the-secret-at-all' }],
    ['the secret with a suffix', 401, { auth: `${SECRET}x` }],
    ['a wrong content type', 400, { contentType: 'text/plain' }],
    ['a form body', 400, { contentType: 'application/x-www-form-urlencoded' }],
    ['malformed JSON', 400, { raw: '{"event": {"id": "x", ' }],
    ['JSON that is not an event', 400, { raw: '{"hello": "world"}' }],
    ['an event without an id', 400, { raw: JSON.stringify({ event: { type: 'RENEWAL' } }) }],
    ['a body over the limit', 413, { raw: JSON.stringify({ pad: 'x'.repeat(1_000_001) }) }],
  ])('%s → %i', async (_name, status, init) => {
    const user = await createUser(app.db);
    const body = rcEvent({ type: 'INITIAL_PURCHASE', app_user_id: user.id });
    const res = await post(body, init);
    expect(res.status).toBe(status);
    expect(await storedEvents(body.event.id)).toBe(0);
    expect(await app.db.webhookEvent.count({ where: { userId: user.id } })).toBe(0);
    expect((await account(user.id)).subscriptionTier).toBe('FREE');
  });

  it('a chunked body over the limit is cut off with 413', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(100_000));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 12) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await app.fetch('/webhooks/revenuecat', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: SECRET },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('accepts "Bearer <secret>" too, and GET is 405', async () => {
    const res = await post(rcEvent({ type: 'TEST', app_user_id: 'whoever' }), { auth: `Bearer ${SECRET}` });
    expect(res.status).toBe(200);
    expect((await app.fetch('/webhooks/revenuecat')).status).toBe(405);
  });
});

describe('RevenueCat webhook: bodies PostgreSQL or the reader could not take are refused with 400, never 5xx', () => {
  /** A body's JSON text with `"__HOLE__"` replaced by raw JSON text (which JSON.stringify could not write). */
  const withRaw = (body: unknown, raw: string) => JSON.stringify(body).replace('"__HOLE__"', raw);
  const cases: [string, Record<string, unknown>, string | null][] = [
    ['a NUL character in a string', { product_id: 'a\u0000b' }, null],
    ['a NUL character in a key', { subscriber_attributes: { 'a\u0000b': 1 } }, null],
    ['a lone surrogate', { subscriber_attributes: { name: '\ud800x' } }, null],
    ['nesting of 5,000 levels', { extra: '__HOLE__' }, '['.repeat(5000) + ']'.repeat(5000)],
    ['an expiry in year 10000', { expiration_at_ms: Date.UTC(10000, 0, 1) }, null],
  ];
  it.each(cases)('%s → 400, nothing stored, and the same event sent clean applies', async (_name, fields, raw) => {
    const user = await createUser(app.db);
    const clean = rcEvent({ type: 'RENEWAL', app_user_id: user.id });
    const spoiled = { ...clean, event: { ...clean.event, ...fields } };
    for (let i = 0; i < 2; i++) {
      const res = await post(null, { raw: raw ? withRaw(spoiled, raw) : JSON.stringify(spoiled) });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'BAD_USER_INPUT' });
    }
    expect(await storedEvents(clean.event.id)).toBe(0);
    expect((await account(user.id)).subscriptionTier).toBe('FREE');
    expect(await send(clean)).toMatchObject({ outcome: 'APPLIED' });
  });
});

describe('RevenueCat webhook: event types', () => {
  it('INITIAL_PURCHASE → PREMIUM with the expiry, me reflects it at once, one subscription.changed, a notification', async () => {
    const user = await createUser(app.db);
    const token = await app.tokens.issue(user.id);
    const me = `{ me { subscriptionTier subscriptionExpiresAt } }`;
    expect((await app.gql(me, {}, token)).data?.me.subscriptionTier).toBe('FREE');
    const body = rcEvent({ type: 'INITIAL_PURCHASE', app_user_id: user.id });
    expect(await send(body)).toMatchObject({ outcome: 'APPLIED' });
    const expiresAt = new Date(body.event.expiration_at_ms!).toISOString();
    expect((await app.gql(me, {}, token)).data?.me).toEqual({
      subscriptionTier: 'PREMIUM',
      subscriptionExpiresAt: expiresAt,
    });
    const [event] = await changes(user.id);
    expect(event?.payload).toEqual({
      userId: user.id,
      tier: 'PREMIUM',
      previousTier: 'FREE',
      expiresAt,
      cause: 'INITIAL_PURCHASE',
      willRenew: true,
    });
    await app.bus.idle();
    const notes = await app.db.notification.findMany({ where: { userId: user.id, kind: 'subscription.changed' } });
    expect(notes.map((n) => n.title)).toEqual(['Welcome to Premium']);
    const row = await app.db.webhookEvent.findFirstOrThrow({ where: { externalId: body.event.id } });
    expect(row).toMatchObject({ outcome: 'APPLIED', userId: user.id, type: 'INITIAL_PURCHASE' });
    expect(row.eventAt).toEqual(new Date(body.event.event_timestamp_ms!));
  });

  it('a replayed event (same id) → 200 DUPLICATE, stored once, no second change', async () => {
    const user = await createUser(app.db);
    const body = rcEvent({ type: 'INITIAL_PURCHASE', app_user_id: user.id });
    expect((await send(body)).outcome).toBe('APPLIED');
    const replay = await Promise.all([send(body), send(body)]);
    expect(replay.map((r) => r.outcome)).toEqual(['DUPLICATE', 'DUPLICATE']);
    expect(await storedEvents(body.event.id)).toBe(1);
    expect(await changes(user.id)).toHaveLength(1);
  });

  it.each(['RENEWAL', 'PRODUCT_CHANGE', 'UNCANCELLATION'])('%s → PREMIUM with the new expiry', async (type) => {
    const user = await createUser(app.db);
    const t = app.clock.now.getTime();
    await send(rcEvent({ type: 'INITIAL_PURCHASE', app_user_id: user.id, event_timestamp_ms: t - 1000 }));
    const body = rcEvent({ type, app_user_id: user.id, event_timestamp_ms: t, expiration_at_ms: t + 60 * DAY });
    expect((await send(body)).outcome).toBe('APPLIED');
    expect(await account(user.id)).toMatchObject({
      subscriptionTier: 'PREMIUM',
      subscriptionExpiresAt: new Date(t + 60 * DAY),
    });
    expect((await changes(user.id)).map((e) => (e.payload as { cause: string }).cause)).toEqual([
      'INITIAL_PURCHASE',
      type,
    ]);
  });

  it('CANCELLATION keeps PREMIUM until the expiry; EXPIRATION → FREE', async () => {
    const user = await createUser(app.db);
    const t = app.clock.now.getTime();
    await send(rcEvent({ type: 'INITIAL_PURCHASE', app_user_id: user.id, event_timestamp_ms: t - 2000 }));
    const cancel = rcEvent({ type: 'CANCELLATION', app_user_id: user.id, event_timestamp_ms: t - 1000 });
    expect((await send(cancel)).outcome).toBe('APPLIED');
    expect(await account(user.id)).toMatchObject({
      subscriptionTier: 'PREMIUM',
      subscriptionExpiresAt: new Date(cancel.event.expiration_at_ms!),
    });
    const cancelled = (await changes(user.id)).at(-1)!.payload;
    expect(cancelled).toMatchObject({ tier: 'PREMIUM', willRenew: false, cause: 'CANCELLATION' });
    expect((await send(rcEvent({ type: 'EXPIRATION', app_user_id: user.id, event_timestamp_ms: t }))).outcome).toBe(
      'APPLIED',
    );
    expect(await account(user.id)).toMatchObject({ subscriptionTier: 'FREE', subscriptionExpiresAt: null });
    await app.bus.idle();
    const titles = (
      await app.db.notification.findMany({
        where: { userId: user.id, kind: 'subscription.changed' },
        orderBy: { createdAt: 'asc' },
      })
    ).map((n) => n.title);
    expect(titles.sort()).toEqual(['Premium ended', 'Premium will not renew', 'Welcome to Premium']);
  });

  it('a refund (CANCELLATION expiring now) ends PREMIUM at once', async () => {
    const user = await createUser(app.db);
    const t = app.clock.now.getTime();
    await send(rcEvent({ type: 'INITIAL_PURCHASE', app_user_id: user.id, event_timestamp_ms: t - 1000 }));
    await send(rcEvent({ type: 'CANCELLATION', app_user_id: user.id, event_timestamp_ms: t, expiration_at_ms: t - 1 }));
    expect((await account(user.id)).subscriptionTier).toBe('FREE');
  });

  it('out of order: a late, older RENEWAL does not override a newer EXPIRATION (stored as STALE)', async () => {
    const user = await createUser(app.db);
    const t = app.clock.now.getTime();
    await send(rcEvent({ type: 'INITIAL_PURCHASE', app_user_id: user.id, event_timestamp_ms: t - 3000 }));
    await send(rcEvent({ type: 'EXPIRATION', app_user_id: user.id, event_timestamp_ms: t - 1000 }));
    const late = rcEvent({ type: 'RENEWAL', app_user_id: user.id, event_timestamp_ms: t - 2000 });
    expect((await send(late)).outcome).toBe('STALE');
    expect(await account(user.id)).toMatchObject({ subscriptionTier: 'FREE', subscriptionEventAt: new Date(t - 1000) });
    expect(await changes(user.id)).toHaveLength(2);
    const row = await app.db.webhookEvent.findFirstOrThrow({ where: { externalId: late.event.id } });
    expect(row).toMatchObject({ outcome: 'STALE', userId: user.id });
    // …and an older EXPIRATION after a newer RENEWAL leaves PREMIUM.
    await send(rcEvent({ type: 'RENEWAL', app_user_id: user.id, event_timestamp_ms: t }));
    const oldExpiry = rcEvent({ type: 'EXPIRATION', app_user_id: user.id, event_timestamp_ms: t - 500 });
    expect((await send(oldExpiry)).outcome).toBe('STALE');
    expect((await account(user.id)).subscriptionTier).toBe('PREMIUM');
  });

  it('BILLING_ISSUE → a notification to the user; the tier does not change', async () => {
    const user = await createUser(app.db);
    const t = app.clock.now.getTime();
    await send(rcEvent({ type: 'INITIAL_PURCHASE', app_user_id: user.id, event_timestamp_ms: t - 1000 }));
    const issue = rcEvent({
      type: 'BILLING_ISSUE',
      app_user_id: user.id,
      event_timestamp_ms: t,
      grace_period_expiration_at_ms: Date.parse('2030-01-16T00:00:00Z'),
    });
    expect((await send(issue)).outcome).toBe('APPLIED');
    expect((await account(user.id)).subscriptionTier).toBe('PREMIUM');
    const events = await app.db.outboxEvent.findMany({
      where: { userId: user.id, type: 'subscription.billing_issue' },
    });
    expect(events).toHaveLength(1);
    await app.bus.idle();
    const note = await app.db.notification.findFirstOrThrow({
      where: { userId: user.id, kind: 'subscription.billing_issue' },
    });
    expect(note.title).toBe('Payment problem');
    expect(note.body).toContain('2030-01-16');
  });

  it('TEST → 200, stored as IGNORED, nothing changed; an unknown type likewise', async () => {
    const user = await createUser(app.db);
    for (const type of ['TEST', 'SUBSCRIBER_ALIAS', 'SOMETHING_NEW_FROM_REVENUECAT']) {
      const body = rcEvent({ type, app_user_id: user.id });
      expect((await send(body)).outcome).toBe('IGNORED');
      expect(await storedEvents(body.event.id)).toBe(1);
    }
    expect(await account(user.id)).toMatchObject({ subscriptionTier: 'FREE', subscriptionEventAt: null });
    expect(await changes(user.id)).toHaveLength(0);
  });

  it('an unknown user → 200, stored as UNMATCHED, listed for admins', async () => {
    const admin = await createUser(app.db, { role: 'ADMIN' });
    const token = await app.tokens.issue(admin.id);
    const ghost = randomUUID();
    const anonymous = rcEvent({
      type: 'INITIAL_PURCHASE',
      app_user_id: '$RCAnonymousID:8069238d6049ce87cc529853916d624c',
    });
    const unknown = rcEvent({ type: 'RENEWAL', app_user_id: ghost });
    expect((await send(anonymous)).outcome).toBe('UNMATCHED');
    expect((await send(unknown)).outcome).toBe('UNMATCHED');
    const res = await app.gql(
      `{ webhookEvents(outcome: UNMATCHED, first: 100) { totalCount edges { node { externalId type outcome userId payload } } } }`,
      {},
      token,
    );
    expect(res.errors).toBeUndefined();
    const nodes = res.data?.webhookEvents.edges.map((e: { node: unknown }) => e.node) as {
      externalId: string;
      outcome: string;
      userId: string | null;
      payload: string;
    }[];
    const mine = nodes.filter((n) => [anonymous.event.id, unknown.event.id].includes(n.externalId));
    expect(mine).toHaveLength(2);
    expect(mine.every((n) => n.outcome === 'UNMATCHED' && n.userId === null)).toBe(true);
    expect(mine.some((n) => n.payload.includes(ghost))).toBe(true);
  });

  it('matches through original_app_user_id or an alias when app_user_id is anonymous', async () => {
    const user = await createUser(app.db);
    const body = rcEvent({ type: 'INITIAL_PURCHASE', app_user_id: '$RCAnonymousID:abc' });
    body.event.aliases = ['$RCAnonymousID:abc', user.id];
    expect((await send(body)).outcome).toBe('APPLIED');
    expect((await account(user.id)).subscriptionTier).toBe('PREMIUM');
  });
});

describe('RevenueCat webhook: purchases that do not renew, transfers and entitlements', () => {
  const causes = async (userId: string) =>
    (await changes(userId)).map((e) => {
      const p = e.payload as { cause: string; tier: string; willRenew: boolean; lifetime?: boolean };
      return [p.cause, p.tier, p.willRenew, p.lifetime ?? false];
    });

  it('NON_RENEWING_PURCHASE of a product with no configured days → PREMIUM for life, which an EXPIRATION does not end and only its refund does', async () => {
    const user = await createUser(app.db);
    const t = app.clock.now.getTime();
    const lifetime = rcEvent({
      type: 'NON_RENEWING_PURCHASE',
      app_user_id: user.id,
      product_id: 'premium_lifetime',
      expiration_at_ms: null,
      entitlement_ids: ['premium', 'themes'],
      event_timestamp_ms: t - 3000,
    });
    expect((await send(lifetime)).outcome).toBe('APPLIED');
    expect(await account(user.id)).toMatchObject({
      subscriptionTier: 'PREMIUM',
      subscriptionExpiresAt: null,
      lifetimeProductId: 'premium_lifetime',
      entitlementIds: ['premium', 'themes'],
    });
    // An old monthly subscription of the same account expires: the lifetime purchase outlives it.
    await send(rcEvent({ type: 'EXPIRATION', app_user_id: user.id, event_timestamp_ms: t - 2000 }));
    expect(await account(user.id)).toMatchObject({ subscriptionTier: 'PREMIUM', subscriptionExpiresAt: null });
    // The lifetime product refunded: a CANCELLATION of that product ends it.
    const refund = rcEvent({
      type: 'CANCELLATION',
      app_user_id: user.id,
      product_id: 'premium_lifetime',
      expiration_at_ms: t - 1000,
      event_timestamp_ms: t - 1000,
    });
    expect((await send(refund)).outcome).toBe('APPLIED');
    expect(await account(user.id)).toMatchObject({
      subscriptionTier: 'FREE',
      lifetimeProductId: null,
      entitlementIds: [],
    });
    expect(await causes(user.id)).toEqual([
      ['NON_RENEWING_PURCHASE', 'PREMIUM', false, true],
      ['EXPIRATION', 'PREMIUM', false, true],
      ['CANCELLATION', 'FREE', false, false],
    ]);
    await app.bus.idle();
    const notes = await app.db.notification.findMany({
      where: { userId: user.id, kind: 'subscription.changed' },
      orderBy: { createdAt: 'asc' },
    });
    expect(notes.map((n) => n.title)).toContain('Premium for life');
  });

  it('NON_RENEWING_PURCHASE of a product with configured days → PREMIUM that long from the purchase, never shortening a longer subscription', async () => {
    const user = await createUser(app.db);
    const t = app.clock.now.getTime();
    const semester = rcEvent({
      type: 'NON_RENEWING_PURCHASE',
      app_user_id: user.id,
      product_id: 'premium_semester',
      purchased_at_ms: t - DAY,
      expiration_at_ms: null,
      event_timestamp_ms: t - 2000,
    });
    expect((await send(semester)).outcome).toBe('APPLIED');
    expect(await account(user.id)).toMatchObject({
      subscriptionTier: 'PREMIUM',
      subscriptionExpiresAt: new Date(t - DAY + 180 * DAY),
      lifetimeProductId: null,
    });
    const other = await createUser(app.db);
    await send(rcEvent({ type: 'INITIAL_PURCHASE', app_user_id: other.id, expiration_at_ms: t + 400 * DAY }));
    await send({ ...semester, event: { ...semester.event, id: randomUUID(), app_user_id: other.id, aliases: [] } });
    expect((await account(other.id)).subscriptionExpiresAt).toEqual(new Date(t + 400 * DAY));
  });

  it('TRANSFER moves PREMIUM and its entitlements from the accounts of transferred_from to those of transferred_to', async () => {
    const [from, to, bystander] = [await createUser(app.db), await createUser(app.db), await createUser(app.db)];
    const t = app.clock.now.getTime();
    await send(
      rcEvent({
        type: 'INITIAL_PURCHASE',
        app_user_id: from.id,
        expiration_at_ms: t + 30 * DAY,
        entitlement_ids: ['premium'],
        event_timestamp_ms: t - 1000,
      }),
    );
    const transfer = rcEvent({
      type: 'TRANSFER',
      transferred_from: [from.id, '$RCAnonymousID:old'],
      transferred_to: [to.id],
      event_timestamp_ms: t,
    });
    delete (transfer.event as { app_user_id?: string }).app_user_id;
    expect((await send(transfer)).outcome).toBe('APPLIED');
    expect(await account(from.id)).toMatchObject({ subscriptionTier: 'FREE', entitlementIds: [] });
    expect(await account(to.id)).toMatchObject({
      subscriptionTier: 'PREMIUM',
      subscriptionExpiresAt: new Date(t + 30 * DAY),
      entitlementIds: ['premium'],
    });
    expect((await causes(from.id)).at(-1)).toEqual(['TRANSFER', 'FREE', false, false]);
    expect(await causes(to.id)).toEqual([['TRANSFER', 'PREMIUM', false, false]]);
    expect(await account(bystander.id)).toMatchObject({ subscriptionTier: 'FREE' });
    // A transfer between accounts the server does not know changes nothing.
    const unknown = rcEvent({ type: 'TRANSFER', transferred_from: [randomUUID()], transferred_to: [randomUUID()] });
    expect((await send(unknown)).outcome).toBe('UNMATCHED');
  });

  it('the entitlement ids are shown with the account, to its owner and to admins', async () => {
    const user = await createUser(app.db);
    const admin = await createUser(app.db, { role: 'ADMIN' });
    await send(rcEvent({ type: 'INITIAL_PURCHASE', app_user_id: user.id, entitlement_ids: ['premium', 'ai'] }));
    const me = await app.gql('{ me { entitlementIds } }', {}, await app.tokens.issue(user.id));
    expect(me.data?.me).toEqual({ entitlementIds: ['premium', 'ai'] });
    const byAdmin = await app.gql(
      'query ($id: ID!) { node(id: $id) { ... on User { entitlementIds subscriptionTier } } }',
      { id: Buffer.from(`User:${user.id}`).toString('base64') },
      await app.tokens.issue(admin.id),
    );
    expect(byAdmin.data?.node).toEqual({ entitlementIds: ['premium', 'ai'], subscriptionTier: 'PREMIUM' });
  });
});

describe('RevenueCat webhook with a signing key', () => {
  const KEY = 'rc-signing-key-0123456789abcdef';
  const sign = (text: string) => createHmac('sha256', KEY).update(text).digest('hex');
  it.each([
    ['no signature', 401, null],
    ['a signature of another body', 401, sign('{}')],
    ['the body signed with another key', 401, createHmac('sha256', 'x'.repeat(32)).update('{}').digest('hex')],
    ['the body signed', 200, 'ok'],
    ['the body signed, with a sha256= prefix', 200, 'prefixed'],
  ])('%s → %i (nothing stored before the signature is checked)', async (_name, status, signature) => {
    const signed = await createTestApp({
      database: app.database,
      env: { REVENUECAT_WEBHOOK_SECRET: SECRET, REVENUECAT_WEBHOOK_SIGNING_KEY: KEY },
    });
    try {
      const user = await createUser(app.db);
      const body = rcEvent({ type: 'INITIAL_PURCHASE', app_user_id: user.id });
      const text = JSON.stringify(body);
      const header = signature === 'ok' ? sign(text) : signature === 'prefixed' ? `sha256=${sign(text)}` : signature;
      const res = await signed.fetch('/webhooks/revenuecat', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: SECRET,
          ...(header ? { 'x-revenuecat-signature': header } : {}),
        },
        body: text,
      });
      expect(res.status).toBe(status);
      expect(await storedEvents(body.event.id)).toBe(status === 200 ? 1 : 0);
      expect((await account(user.id)).subscriptionTier).toBe(status === 200 ? 'PREMIUM' : 'FREE');
    } finally {
      await signed.close();
    }
  });
});

describe('subscription expiry job', () => {
  it('downgrades PREMIUM accounts whose expiry passed (beyond the grace) without a renewal; a late renewal still applies', async () => {
    const now = app.clock.now;
    const job = expireSubscriptionsJob({ graceMs: 3_600_000 });
    const logger = createLogger('silent');
    const make = async (expiresInMs: number) => {
      const u = await createUser(app.db);
      await app.db.user.update({
        where: { id: u.id },
        data: { subscriptionTier: 'PREMIUM', subscriptionExpiresAt: new Date(now.getTime() + expiresInMs) },
      });
      return u.id;
    };
    const lapsed = await make(-2 * 3_600_000);
    const inGrace = await make(-30 * 60_000);
    const current = await make(DAY);
    const result = await runJob({ db: app.db, logger }, job, () => now);
    expect(result?.rowsTouched).toBeGreaterThanOrEqual(1);
    expect(result?.error).toBeNull();
    expect((await account(lapsed)).subscriptionTier).toBe('FREE');
    expect((await account(inGrace)).subscriptionTier).toBe('PREMIUM');
    expect((await account(current)).subscriptionTier).toBe('PREMIUM');
    const [change] = await changes(lapsed);
    expect(change?.payload).toMatchObject({ tier: 'FREE', previousTier: 'PREMIUM', cause: 'EXPIRY_JOB' });
    expect(await changes(inGrace)).toHaveLength(0);
    // A second run finds nothing more for these accounts.
    await runJob({ db: app.db, logger }, job, () => now);
    expect(await changes(lapsed)).toHaveLength(1);
    // The renewal RevenueCat delivered late still applies (the job does not move the webhook clock).
    const renewal = rcEvent({
      type: 'RENEWAL',
      app_user_id: lapsed,
      event_timestamp_ms: now.getTime() - 3 * 3_600_000,
    });
    expect((await send(renewal)).outcome).toBe('APPLIED');
    expect((await account(lapsed)).subscriptionTier).toBe('PREMIUM');
  });
});

describe('RevenueCat webhook without a configured secret', () => {
  it('answers 503 and stores nothing', async () => {
    const bare = await createTestApp({ database: app.database });
    try {
      const body = rcEvent({ type: 'TEST', app_user_id: 'x' });
      const res = await bare.fetch('/webhooks/revenuecat', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: SECRET },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(503);
      expect(await storedEvents(body.event.id)).toBe(0);
    } finally {
      await bare.close();
    }
  });
});

describe('configuration', () => {
  it('parses ADMIN_EMAILS and checks REVENUECAT_WEBHOOK_SECRET', () => {
    const config = loadConfig({
      ADMIN_EMAILS: ' Ada@Example.com, ops@example.org ,',
      REVENUECAT_WEBHOOK_SECRET: SECRET,
    });
    expect(config.adminEmails).toEqual(['ada@example.com', 'ops@example.org']);
    expect(config.billing).toEqual({
      revenueCatWebhookSecret: SECRET,
      revenueCatSigningKey: null,
      nonRenewingDays: {},
      expiryGraceMs: 3_600_000,
    });
    expect(loadConfig({ REVENUECAT_NON_RENEWING_DAYS: '{"semester":180}' }).billing.nonRenewingDays).toEqual({
      semester: 180,
    });
    expect(() => loadConfig({ REVENUECAT_NON_RENEWING_DAYS: '{"semester":0}' })).toThrow(
      /REVENUECAT_NON_RENEWING_DAYS/,
    );
    expect(() => loadConfig({ REVENUECAT_NON_RENEWING_DAYS: 'semester' })).toThrow(/must be JSON/);
    expect(loadConfig({}).billing.revenueCatWebhookSecret).toBeNull();
    expect(() => loadConfig({ ADMIN_EMAILS: 'not-an-email' })).toThrow(ConfigError);
    expect(() => loadConfig({ REVENUECAT_WEBHOOK_SECRET: 'short' })).toThrow(/REVENUECAT_WEBHOOK_SECRET/);
  });
});

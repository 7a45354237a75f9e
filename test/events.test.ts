import { afterEach, describe, expect, it } from '@jest/globals';
import type { EventHandler } from '../src/events/handler.js';
import { handlers, type HandlerDeps } from '../src/events/handlers/index.js';
import { createTestApp, rawId, type TestApp } from './helpers/app.js';

const SIGN_UP = `mutation ($email: EmailAddress!) {
  signUp(input: { email: $email, password: "long enough pw", firstName: "Ada", lastName: "Lovelace" }) { user { id } }
}`;

/** A handler that fails its first `failures` deliveries, then succeeds. */
function flaky(failures: number): EventHandler<HandlerDeps> & { calls: number } {
  const handler = {
    name: 'flaky',
    eventTypes: ['user.created'] as const,
    calls: 0,
    async handle() {
      handler.calls++;
      if (handler.calls <= failures) throw new Error(`boom ${handler.calls}`);
    },
  };
  return handler;
}

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function signUp(a: TestApp): Promise<string> {
  const res = await a.gql(SIGN_UP, { email: `e-${Math.random().toString(36).slice(2)}@example.com` });
  expect(res.errors).toBeUndefined();
  return rawId(res.data!.signUp.user.id);
}

describe('event bus', () => {
  it('isolates a failing handler: sign-up succeeds and the other handlers still run', async () => {
    const failing = flaky(Infinity);
    app = await createTestApp({ handlers: [failing, ...handlers] });
    const userId = await signUp(app);
    await app.bus.idle();

    expect(failing.calls).toBe(1);
    expect(await app.db.notificationPreference.count({ where: { userId } })).toBe(1);
    expect(app.mailer.outbox.filter((m) => m.subject === 'Welcome to Study Planner')).toHaveLength(1);
    const delivery = await app.db.eventDelivery.findFirstOrThrow({ where: { handler: 'flaky' } });
    expect(delivery).toMatchObject({ status: 'PENDING', attempts: 1, lastError: 'boom 1' });
    const event = await app.db.outboxEvent.findFirstOrThrow({ where: { userId } });
    expect(event.processedAt).toBeNull();
  });

  it('retries a failed delivery after its backoff and then marks the event processed', async () => {
    const handler = flaky(1);
    app = await createTestApp({ handlers: [handler] });
    const userId = await signUp(app);
    await app.bus.idle();
    expect(handler.calls).toBe(1);

    // Not due yet: nothing runs.
    expect(await app.bus.runOnce()).toBe(0);
    app.clock.now = new Date(app.clock.now.getTime() + 1000);
    expect(await app.bus.runOnce()).toBe(1);
    expect(handler.calls).toBe(2);

    const delivery = await app.db.eventDelivery.findFirstOrThrow({ where: { handler: 'flaky' } });
    expect(delivery).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
    const event = await app.db.outboxEvent.findFirstOrThrow({ where: { userId } });
    expect(event.processedAt).not.toBeNull();
  });

  it('dead-letters a delivery after the last attempt, keeping its last error', async () => {
    const handler = flaky(Infinity);
    app = await createTestApp({ handlers: [handler], maxAttempts: 3 });
    await signUp(app);
    await app.bus.idle();
    for (let i = 0; i < 5; i++) {
      app.clock.now = new Date(app.clock.now.getTime() + 1000);
      await app.bus.runOnce();
    }
    expect(handler.calls).toBe(3);
    const delivery = await app.db.eventDelivery.findFirstOrThrow({ where: { handler: 'flaky' } });
    expect(delivery).toMatchObject({ status: 'DEAD', attempts: 3, lastError: 'boom 3' });
  });

  it('never runs a succeeded delivery again: one welcome email per user', async () => {
    app = await createTestApp();
    await signUp(app);
    await app.bus.idle();
    for (let i = 0; i < 3; i++) {
      app.clock.now = new Date(app.clock.now.getTime() + 60_000);
      expect(await app.bus.runOnce()).toBe(0);
    }
    expect(app.mailer.outbox.filter((m) => m.subject === 'Welcome to Study Planner')).toHaveLength(1);
  });

  it('records nothing when the transaction rolls back', async () => {
    app = await createTestApp();
    const before = await app.db.outboxEvent.count();
    const res = await app.gql(SIGN_UP, { email: 'x@example.com' });
    const dup = await app.gql(SIGN_UP, { email: 'x@example.com' });
    expect(res.errors).toBeUndefined();
    expect(dup.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await app.db.outboxEvent.count()).toBe(before + 1);
  });
});

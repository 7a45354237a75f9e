import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import webpush from 'web-push';
import { hashPassword } from '../src/auth/passwords.js';
import { type ConfigError, loadConfig } from '../src/config.js';
import { createLogger } from '../src/observability/logger.js';
import { createTestApp, rawId, type TestApp } from './helpers/app.js';
import { createAssignment, createCourse, createUser } from './helpers/factories.js';
import { fakeApns, fakeFcm, fakeWebPush, makeTls } from './helpers/push-fakes.js';

/*
 * Devices and push (docs/push.md), end to end: registerDevice over HTTP, a reminder issued by the
 * reminders job, delivered by deliver-notifications through the real provider clients
 * (@parse/node-apn, google-auth-library + FCM HTTP v1, web-push) to local fakes of APNs, FCM and
 * a Web Push endpoint that check each one's authentication.
 */

const TEAM = { keyId: 'KEY1234567', teamId: 'TEAM123456' };
const BUNDLE = 'com.example.studyplanner';
const VAPID = { ...webpush.generateVAPIDKeys(), subject: 'mailto:push@study-planner.test' };
const MIN = 60_000;

let app: TestApp;
let apns: Awaited<ReturnType<typeof fakeApns>>;
let fcm: Awaited<ReturnType<typeof fakeFcm>>;
let web: Awaited<ReturnType<typeof fakeWebPush>>;

beforeAll(async () => {
  const tls = await makeTls();
  [apns, fcm, web] = await Promise.all([fakeApns(tls, TEAM), fakeFcm('study-planner-test'), fakeWebPush(tls, VAPID)]);
  app = await createTestApp({
    pushFromConfig: true,
    env: {
      APNS_KEY_ID: TEAM.keyId,
      APNS_TEAM_ID: TEAM.teamId,
      APNS_KEY: apns.p8,
      APNS_BUNDLE_ID: BUNDLE,
      APNS_HOST: `127.0.0.1:${apns.port}`,
      FCM_SERVICE_ACCOUNT: fcm.serviceAccount,
      FCM_BASE_URL: `http://127.0.0.1:${fcm.port}`,
      VAPID_PUBLIC_KEY: VAPID.publicKey,
      VAPID_PRIVATE_KEY: VAPID.privateKey,
      VAPID_SUBJECT: VAPID.subject,
      WEB_PUSH_ENDPOINT_HOSTS: '127.0.0.1',
      PUSH_CA_CERT: tls.cert,
      PUSH_TIMEOUT_MS: '5000',
    },
  });
});
afterAll(async () => {
  await app?.close();
  await Promise.all([apns?.close(), fcm?.close(), web?.close()]);
});
beforeEach(() => {
  app.clock.now = new Date('2026-12-01T09:00:00Z');
  for (const fake of [apns, fcm, web]) {
    fake.down = false;
    fake.invalid.clear();
  }
});

const REGISTER = `mutation ($input: RegisterDeviceInput!) {
  registerDevice(input: $input) { id platform appVersion createdAt lastSeenAt }
}`;
const DEVICES = `{ me { devices(first: 50) { totalCount edges { node { id platform appVersion createdAt lastSeenAt } } } } }`;
const UNREGISTER = `mutation ($id: ID, $token: String) { unregisterDevice(id: $id, token: $token) { deletedId } }`;

let serial = 0;
const hex = () => (++serial).toString(16).padStart(8, '0').repeat(8);
const fcmToken = () => `fcm-token:${(++serial).toString(36)}-${'x'.repeat(40)}`;

async function student() {
  const user = await createUser(app.db);
  const course = await createCourse(app.db, user.id);
  return { user, course, token: await app.tokens.issue(user.id) };
}

async function register(token: string, input: Record<string, unknown>) {
  const res = await app.gql(REGISTER, { input }, token);
  expect(res.errors).toBeUndefined();
  return res.data!.registerDevice as { id: string; platform: string; appVersion: string | null };
}

/** A student with an iPhone, an Android phone and a browser, registered over the API. */
async function studentWithDevices() {
  const s = await student();
  const ios = hex();
  const android = fcmToken();
  const browser = web.subscribe(`sub-${++serial}`);
  const devices = {
    ios: await register(s.token, { platform: 'IOS', token: ios, appVersion: '2.3.0' }),
    android: await register(s.token, { platform: 'ANDROID', token: android, appVersion: '2.3.1' }),
    web: await register(s.token, { platform: 'WEB', token: JSON.stringify(browser) }),
  };
  return { ...s, tokens: { ios, android, browser }, devices };
}

async function run(name: string) {
  const record = await app.jobs.run(name);
  expect(record?.error).toBeNull();
  await app.bus.idle();
  return record!;
}

/** Issues one reminder (an assignment due in 30 minutes, inside the default 60-minute lead): its PUSH row. */
async function remind(s: { user: { id: string }; course: { id: string } }, title = 'Essay') {
  await createAssignment(app.db, s.user.id, s.course.id, {
    title,
    dueAt: new Date(app.clock.now.getTime() + 30 * MIN),
  });
  await run('reminders');
  return app.db.notification.findFirstOrThrow({
    where: { userId: s.user.id, channel: 'PUSH', kind: 'reminder', title: { endsWith: `: ${title}` } },
  });
}
const pushRow = (id: string) => app.db.notification.findUniqueOrThrow({ where: { id } });
const forRow = <T extends { payload?: { notificationId?: string }; data?: Record<string, string> }>(
  list: T[],
  id: string,
) => list.filter((p) => (p.payload?.notificationId ?? p.data?.notificationId) === id);

describe('registerDevice, unregisterDevice, me.devices', () => {
  it('registers each platform, lists them with global ids, and is idempotent per token', async () => {
    const s = await studentWithDevices();
    const list = await app.gql(DEVICES, {}, s.token);
    expect(list.data!.me.devices.totalCount).toBe(3);
    const nodes = list.data!.me.devices.edges.map((e: any) => e.node);
    expect(nodes.map((n: any) => [n.platform, n.appVersion])).toEqual([
      ['IOS', '2.3.0'],
      ['ANDROID', '2.3.1'],
      ['WEB', null],
    ]);
    expect(Buffer.from(nodes[0].id, 'base64').toString()).toMatch(/^Device:[0-9a-f-]{36}$/);

    // The same token again, later, from a newer app: the same device, updated.
    app.clock.now = new Date(app.clock.now.getTime() + 30 * MIN);
    const again = await register(s.token, { platform: 'IOS', token: s.tokens.ios.toUpperCase(), appVersion: '2.4.0' });
    expect(again).toMatchObject({ id: s.devices.ios.id, appVersion: '2.4.0', lastSeenAt: app.clock.now.toISOString() });
    expect(await app.db.device.count({ where: { userId: s.user.id } })).toBe(3);

    // Another account signs in on that phone: the token moves to it.
    const other = await student();
    const moved = await register(other.token, { platform: 'IOS', token: s.tokens.ios });
    expect(moved.id).toBe(s.devices.ios.id);
    expect((await app.gql(DEVICES, {}, s.token)).data!.me.devices.totalCount).toBe(2);
    expect((await app.gql(DEVICES, {}, other.token)).data!.me.devices.totalCount).toBe(1);
  });

  it('refuses malformed tokens with BAD_USER_INPUT on field token, and writes nothing', async () => {
    const s = await student();
    const sub = web.subscribe('validation');
    const bad: [string, string][] = [
      ['IOS', 'not-hex'],
      ['IOS', 'ab'.repeat(10)],
      ['ANDROID', 'short'],
      ['ANDROID', 'x'.repeat(3000)],
      ['WEB', 'not json'],
      ['WEB', JSON.stringify({ ...sub, endpoint: sub.endpoint.replace('https:', 'http:') })],
      ['WEB', JSON.stringify({ ...sub, endpoint: 'https://attacker.example/push/1' })],
      ['WEB', JSON.stringify({ ...sub, keys: { ...sub.keys, p256dh: 'AAAA' } })],
      ['WEB', JSON.stringify({ ...sub, keys: { p256dh: sub.keys.p256dh } })],
      ['WEB', JSON.stringify({ endpoint: sub.endpoint })],
    ];
    for (const [platform, token] of bad) {
      const res = await app.gql(REGISTER, { input: { platform, token } }, s.token);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token' });
    }
    const long = await app.gql(
      REGISTER,
      { input: { platform: 'IOS', token: hex(), appVersion: 'v'.repeat(51) } },
      s.token,
    );
    expect(long.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'appVersion' });
    expect(await app.db.device.count({ where: { userId: s.user.id } })).toBe(0);

    const signedOut = await app.gql(REGISTER, { input: { platform: 'IOS', token: hex() } });
    expect(signedOut.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it("unregisters by id or by token; another user's device is NOT_FOUND and stays", async () => {
    const a = await studentWithDevices();
    const b = await student();
    const byId = await app.gql(UNREGISTER, { id: a.devices.ios.id }, b.token);
    expect(byId.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const byToken = await app.gql(UNREGISTER, { token: a.tokens.android }, b.token);
    expect(byToken.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await app.db.device.count({ where: { userId: a.user.id } })).toBe(3);

    const neither = await app.gql(UNREGISTER, {}, a.token);
    expect(neither.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const both = await app.gql(UNREGISTER, { id: a.devices.ios.id, token: a.tokens.ios }, a.token);
    expect(both.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const own = await app.gql(UNREGISTER, { id: a.devices.ios.id }, a.token);
    expect(own.data!.unregisterDevice.deletedId).toBe(a.devices.ios.id);
    // A WEB token is matched as registered, whatever its JSON's spacing.
    const ownWeb = await app.gql(UNREGISTER, { token: JSON.stringify(a.tokens.browser, null, 2) }, a.token);
    expect(ownWeb.data!.unregisterDevice.deletedId).toBe(a.devices.web.id);
    // Removed for good (hard delete): no row left behind, soft-deleted or not.
    expect(await app.db.$queryRaw`SELECT id FROM "Device" WHERE "userId" = ${a.user.id}::uuid`).toHaveLength(1);
    const gone = await app.gql(UNREGISTER, { id: a.devices.ios.id }, a.token);
    expect(gone.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('delivery through the providers', () => {
  it('sends a reminder to every device with each provider’s payload and authentication, once', async () => {
    const s = await studentWithDevices();
    const row = await remind(s, 'Problem set 3');
    await run('deliver-notifications');

    const [ios] = forRow(apns.accepted, row.id);
    expect(forRow(apns.accepted, row.id)).toHaveLength(1);
    expect(ios).toMatchObject({
      token: s.tokens.ios,
      topic: BUNDLE,
      pushType: 'alert',
      apnsId: row.id,
      payload: { aps: { alert: { title: row.title, body: row.body } }, notificationId: row.id, kind: 'reminder' },
    });
    const [android] = forRow(fcm.accepted, row.id);
    expect(forRow(fcm.accepted, row.id)).toHaveLength(1);
    expect(android).toMatchObject({
      token: s.tokens.android,
      notification: { title: row.title, body: row.body },
      data: { notificationId: row.id, kind: 'reminder' },
    });
    expect(fcm.tokensIssued()).toBeGreaterThanOrEqual(1);
    const browser = web.accepted.filter((d) => d.payload.notificationId === row.id);
    expect(browser).toEqual([
      {
        path: new URL(s.tokens.browser.endpoint).pathname,
        payload: { title: row.title, body: row.body, notificationId: row.id, kind: 'reminder' },
        contentEncoding: 'aes128gcm',
        ttl: '86400',
      },
    ]);
    for (const fake of [apns, fcm, web]) expect(fake.unauthorized).toBe(0);

    const sent = await pushRow(row.id);
    expect(sent.sentAt).toEqual(app.clock.now);
    expect([...(sent.pushedDeviceIds ?? [])].sort()).toEqual(
      [s.devices.ios.id, s.devices.android.id, s.devices.web.id].map((id) => rawId(id)).sort(),
    );
    // Delivered: another run sends nothing again.
    await run('deliver-notifications');
    expect(forRow(apns.accepted, row.id)).toHaveLength(1);
    expect(forRow(fcm.accepted, row.id)).toHaveLength(1);
  });

  it('removes a device whose token the provider reports invalid, and delivers to the others', async () => {
    const s = await studentWithDevices();
    apns.invalid.add(s.tokens.ios);
    fcm.invalid.add(s.tokens.android);
    const row = await remind(s);
    await run('deliver-notifications');
    expect(web.accepted.filter((d) => d.payload.notificationId === row.id)).toHaveLength(1);
    const left = await app.db.$queryRaw<{ id: string }[]>`SELECT id FROM "Device" WHERE "userId" = ${s.user.id}::uuid`;
    expect(left.map((d) => d.id)).toEqual([rawId(s.devices.web.id)]);
    expect((await pushRow(row.id)).sentAt).toEqual(app.clock.now);

    // The browser's subscription expires too (410): no device accepts it, the row is closed unsent.
    web.invalid.add(new URL(s.tokens.browser.endpoint).pathname);
    const next = await remind(s, 'Another');
    await run('deliver-notifications');
    expect(await app.db.device.count({ where: { userId: s.user.id } })).toBe(0);
    expect(await pushRow(next.id)).toMatchObject({
      sentAt: null,
      scheduledFor: null,
      lastError: expect.stringContaining('1 removed as invalid'),
    });
  });

  it('retries an outage with the backoff, and after recovery each device has exactly one push', async () => {
    const s = await studentWithDevices();
    fcm.down = true;
    web.down = true;
    const row = await remind(s);
    await run('deliver-notifications');
    const failed = await pushRow(row.id);
    expect(failed).toMatchObject({ sentAt: null, attempts: 1, scheduledFor: new Date(app.clock.now.getTime() + MIN) });
    expect(failed.lastError).toMatch(/FCM: 503 UNAVAILABLE.*Web Push: 503/s);
    expect(failed.pushedDeviceIds).toEqual([rawId(s.devices.ios.id)]);
    expect(forRow(apns.accepted, row.id)).toHaveLength(1);

    // Still down a minute later: the second try waits two minutes more; APNs is not sent it again.
    app.clock.now = new Date(app.clock.now.getTime() + MIN);
    await run('deliver-notifications');
    expect(await pushRow(row.id)).toMatchObject({
      attempts: 2,
      scheduledFor: new Date(app.clock.now.getTime() + 2 * MIN),
    });
    expect(forRow(apns.accepted, row.id)).toHaveLength(1);

    fcm.down = false;
    web.down = false;
    app.clock.now = new Date(app.clock.now.getTime() + MIN);
    await run('deliver-notifications');
    expect((await pushRow(row.id)).sentAt).toBeNull(); // not due yet
    app.clock.now = new Date(app.clock.now.getTime() + MIN);
    await run('deliver-notifications');
    app.clock.now = new Date(app.clock.now.getTime() + 10 * MIN);
    await run('deliver-notifications');

    expect(forRow(apns.accepted, row.id)).toHaveLength(1);
    expect(forRow(fcm.accepted, row.id)).toHaveLength(1);
    expect(web.accepted.filter((d) => d.payload.notificationId === row.id)).toHaveLength(1);
    const done = await pushRow(row.id);
    expect(done.sentAt).not.toBeNull();
    expect(done.pushedDeviceIds).toHaveLength(3);
  });

  it('a provider that fails is not asked again in the same run: one request, every row retried', async () => {
    const students = [await student(), await student(), await student()];
    for (const s of students) await register(s.token, { platform: 'ANDROID', token: fcmToken() });
    fcm.down = true;
    const rows = [];
    for (const s of students) rows.push(await remind(s, `Batch ${s.user.id}`));
    const before = fcm.sends;
    await run('deliver-notifications');
    expect(fcm.sends - before).toBe(1);
    const failed = await Promise.all(rows.map((r) => pushRow(r.id)));
    expect(failed.map((r) => r.attempts)).toEqual([1, 1, 1]);
    expect(failed.filter((r) => /not tried: ANDROID failed earlier in this run/.test(r.lastError ?? ''))).toHaveLength(
      2,
    );

    fcm.down = false;
    app.clock.now = new Date(app.clock.now.getTime() + MIN);
    await run('deliver-notifications');
    for (const r of rows) expect(forRow(fcm.accepted, r.id)).toHaveLength(1);
  });

  it('a provider that cannot be reached at all is retried like an outage', async () => {
    const s = await student();
    // A Web Push endpoint on a port nothing listens on (the fake's port, closed by a second fake).
    const closed = await fakeWebPush(await makeTls(), VAPID);
    const sub = closed.subscribe('gone');
    await closed.close();
    await register(s.token, { platform: 'WEB', token: JSON.stringify(sub) });
    const row = await remind(s);
    await run('deliver-notifications');
    expect(await pushRow(row.id)).toMatchObject({
      sentAt: null,
      attempts: 1,
      lastError: expect.stringMatching(/ECONNREFUSED/),
    });
    expect(await app.db.device.count({ where: { userId: s.user.id } })).toBe(1);
  });

  it('a user with no device: the push row is closed, not sent; pushEnabled false writes none', async () => {
    const s = await student();
    const row = await remind(s);
    await run('deliver-notifications');
    expect(await pushRow(row.id)).toMatchObject({
      sentAt: null,
      scheduledFor: null,
      lastError: 'no registered device',
    });

    const quiet = await studentWithDevices();
    await app.db.notificationPreference.upsert({
      where: { userId: quiet.user.id },
      create: { userId: quiet.user.id, pushEnabled: false },
      update: { pushEnabled: false },
    });
    await createAssignment(app.db, quiet.user.id, quiet.course.id, {
      dueAt: new Date(app.clock.now.getTime() + 30 * MIN),
    });
    await run('reminders');
    expect(await app.db.notification.count({ where: { userId: quiet.user.id, channel: 'PUSH' } })).toBe(0);
  });
});

describe('production without push credentials', () => {
  it('says push is off in one start-up line and marks no push row sent', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const prod = await createTestApp({
      pushFromConfig: true,
      logger: createLogger('info', {}, { destination }),
      env: { NODE_ENV: 'production', DATABASE_URL: 'postgresql://unused/unused', MAIL_TRANSPORT: 'log' },
    });
    try {
      const pushLines = lines.filter((l) => /push/i.test(l));
      expect(pushLines).toHaveLength(1);
      expect(JSON.parse(pushLines[0]!)).toMatchObject({ level: 40, msg: expect.stringContaining('push is off') });

      prod.clock.now = app.clock.now;
      const user = await createUser(prod.db);
      const course = await createCourse(prod.db, user.id);
      await prod.db.device.create({
        data: { userId: user.id, platform: 'IOS', token: hex(), lastSeenAt: prod.clock.now },
      });
      await createAssignment(prod.db, user.id, course.id, { dueAt: new Date(prod.clock.now.getTime() + 30 * MIN) });
      expect((await prod.jobs.run('reminders'))?.error).toBeNull();
      expect((await prod.jobs.run('deliver-notifications'))?.error).toBeNull();
      const row = await prod.db.notification.findFirstOrThrow({ where: { userId: user.id, channel: 'PUSH' } });
      expect(row).toMatchObject({
        sentAt: null,
        scheduledFor: null,
        lastError: 'push is off: no provider credentials',
      });
    } finally {
      await prod.close();
    }
  });
});

describe('push configuration', () => {
  const base = { NODE_ENV: 'test' };
  it('reads the .p8 key and the service account from a file, or inline', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'push-config-'));
    await writeFile(path.join(dir, 'key.p8'), apns.p8);
    await writeFile(path.join(dir, 'sa.json'), fcm.serviceAccount);
    const fromFiles = loadConfig({
      ...base,
      APNS_KEY_ID: TEAM.keyId,
      APNS_TEAM_ID: TEAM.teamId,
      APNS_KEY: path.join(dir, 'key.p8'),
      APNS_BUNDLE_ID: BUNDLE,
      FCM_SERVICE_ACCOUNT: path.join(dir, 'sa.json'),
    });
    expect(fromFiles.push.apns).toMatchObject({ key: apns.p8, host: 'api.sandbox.push.apple.com' });
    expect(fromFiles.push.fcm).toMatchObject({
      projectId: 'study-planner-test',
      tokenUri: `http://127.0.0.1:${fcm.port}/token`,
      baseUrl: 'https://fcm.googleapis.com',
    });
    expect(fromFiles.push.webPush).toBeNull();
    const none = loadConfig(base).push;
    expect([none.apns, none.fcm, none.webPush]).toEqual([null, null, null]);
  });

  it('names what is missing or wrong, one problem per variable', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig({ ...base, ...env });
        return [];
      } catch (err) {
        return (err as ConfigError).problems;
      }
    };
    expect(problems({ APNS_KEY_ID: 'K', APNS_KEY: apns.p8 })).toEqual([
      'APNS_TEAM_ID is required for APNs (APNS_KEY_ID, APNS_KEY given)',
      'APNS_BUNDLE_ID is required for APNs (APNS_KEY_ID, APNS_KEY given)',
    ]);
    expect(problems({ APNS_KEY: '/no/such/key.p8' })[0]).toMatch(
      /^APNS_KEY must be a .p8 key \(PEM\) or the path .*ENOENT/,
    );
    expect(problems({ FCM_SERVICE_ACCOUNT: '{"project_id":"p"}' })[0]).toMatch(
      /^FCM_SERVICE_ACCOUNT must be a service account key JSON/,
    );
    expect(problems({ VAPID_PUBLIC_KEY: 'x', VAPID_PRIVATE_KEY: 'y', VAPID_SUBJECT: 'someone' })).toEqual([
      'VAPID_SUBJECT must be a mailto: or https:// URL',
    ]);
  });
});

describe('device rows', () => {
  it('keeps at most 20 devices per account: one more replaces the one seen longest ago', async () => {
    const s = await student();
    const first = await register(s.token, { platform: 'IOS', token: hex() });
    for (let i = 0; i < 19; i += 1) {
      app.clock.now = new Date(app.clock.now.getTime() + 1000);
      await register(s.token, { platform: 'ANDROID', token: fcmToken() });
    }
    expect(await app.db.device.count({ where: { userId: s.user.id } })).toBe(20);
    app.clock.now = new Date(app.clock.now.getTime() + 1000);
    await register(s.token, { platform: 'ANDROID', token: fcmToken() });
    expect(await app.db.device.count({ where: { userId: s.user.id } })).toBe(20);
    expect(await app.db.device.findUnique({ where: { id: rawId(first.id) } })).toBeNull();
  });

  it('are never soft-deleted: the extension refuses, deleteAccount removes them for good', async () => {
    const s = await studentWithDevices();
    await expect(app.db.device.deleteMany({ where: { userId: s.user.id } })).rejects.toThrow(/hard-deleted/);
    const password = 'correct horse battery';
    await app.db.user.update({ where: { id: s.user.id }, data: { passwordHash: await hashPassword(password) } });
    const res = await app.gql(
      `mutation ($input: DeleteAccountInput!) { deleteAccount(input: $input) { deletedId } }`,
      { input: { password } },
      s.token,
    );
    expect(res.errors).toBeUndefined();
    expect(await app.db.$queryRaw`SELECT id FROM "Device" WHERE "userId" = ${s.user.id}::uuid`).toHaveLength(0);
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type CryptoKey } from 'jose';
import { defaultHardening, loadConfig } from '../src/config.js';
import { createTestApp, rawId, serverBeside, type TestApp } from './helpers/app.js';
import { createUser } from './helpers/factories.js';

const APPLE_CLIENT = 'com.example.studyplanner';
const GOOGLE_CLIENT = '1234-study.apps.googleusercontent.com';
const SIGN_IN = `mutation ($input: SignInWithIdTokenInput!) {
  signInWithIdToken(input: $input) { token user { id email firstName lastName emailVerified } }
}`;
const ME = `{ me { id email emailVerified } }`;

interface Key {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: CryptoKey;
  jwk: JWK;
}
async function makeKey(alg: 'RS256' | 'ES256'): Promise<Key> {
  const { publicKey, privateKey } = await generateKeyPair(alg);
  const kid = randomBytes(6).toString('hex');
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A provider's JWKS endpoint: serves `keys[provider]` and counts the fetches. */
const keys: Record<'apple' | 'google', Key[]> = { apple: [], google: [] };
const fetches = { apple: 0, google: 0 };
let jwks: Server;
let app: TestApp;
let env: Record<string, string>;

beforeAll(async () => {
  keys.apple = [await makeKey('ES256')];
  keys.google = [await makeKey('RS256')];
  jwks = createServer((req, res) => {
    const provider = req.url === '/apple' ? 'apple' : req.url === '/google' ? 'google' : null;
    if (!provider) return void res.writeHead(404).end();
    fetches[provider]++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: keys[provider].map((k) => k.jwk) }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;
  env = {
    APPLE_CLIENT_IDS: `${APPLE_CLIENT}, com.example.studyplanner.web`,
    GOOGLE_CLIENT_IDS: GOOGLE_CLIENT,
    APPLE_JWKS_URL: `${base}/apple`,
    GOOGLE_JWKS_URL: `${base}/google`,
    // Refetch at once on an unknown kid (the default waits 30 s between fetches).
    ID_TOKEN_JWKS_COOLDOWN_MS: '0',
    RATE_LIMIT_ID_TOKEN_SIGN_IN_IP: '1000/1m',
  };
  app = await createTestApp({ env });
});
afterAll(async () => {
  await app?.close();
  await new Promise((resolve) => jwks?.close(resolve));
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const nonce = () => randomBytes(16).toString('base64url');
const subject = () => `sub-${randomBytes(6).toString('hex')}`;
const email = () => `id-${randomBytes(5).toString('hex')}@example.com`;

/** An ID token as the provider would sign it, at the app's clock (valid 10 minutes). */
async function idToken(
  provider: 'apple' | 'google',
  claims: JWTPayload,
  options: { key?: Key; iss?: string; aud?: string; expiresIn?: number } = {},
): Promise<string> {
  const key = options.key ?? keys[provider][0]!;
  const iat = Math.floor(app.clock.now.getTime() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid })
    .setIssuer(options.iss ?? (provider === 'apple' ? 'https://appleid.apple.com' : 'https://accounts.google.com'))
    .setAudience(options.aud ?? (provider === 'apple' ? APPLE_CLIENT : GOOGLE_CLIENT))
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.expiresIn ?? 600))
    .sign(key.privateKey);
}

const signIn = (input: Record<string, unknown>, target: Pick<TestApp, 'gql'> = app) => target.gql(SIGN_IN, { input });

/** A good Apple sign-in: the token holds SHA-256 of the nonce the app sends. */
async function appleInput(claims: JWTPayload = {}, extra: Record<string, unknown> = {}) {
  const raw = nonce();
  const token = await idToken('apple', {
    sub: subject(),
    email: email(),
    email_verified: 'true',
    nonce: sha256(raw),
    ...claims,
  });
  return { provider: 'APPLE', idToken: token, nonce: raw, ...extra };
}

describe('signInWithIdToken', () => {
  it('creates an account on the first Apple sign-in and signs the same subject in to it again', async () => {
    const sub = subject();
    const address = email();
    const first = await signIn(await appleInput({ sub, email: address }, { firstName: 'Ada', lastName: 'Lovelace' }));
    expect(first.errors).toBeUndefined();
    expect(first.data!.signInWithIdToken.user).toMatchObject({
      email: address,
      firstName: 'Ada',
      lastName: 'Lovelace',
      emailVerified: true,
    });
    const me = await app.gql(ME, {}, first.data!.signInWithIdToken.token);
    expect(me.data!.me).toMatchObject({ email: address, emailVerified: true });

    // Apple gives the names on the first sign-in only: the second has none, and the account keeps them.
    const again = await signIn(await appleInput({ sub, email: address }));
    expect(again.errors).toBeUndefined();
    expect(again.data!.signInWithIdToken.user).toMatchObject({
      id: first.data!.signInWithIdToken.user.id,
      firstName: 'Ada',
    });
    expect(await app.db.userIdentity.count({ where: { provider: 'APPLE', subject: sub } })).toBe(1);
    // A verified address needs no verification mail; the welcome mail goes out.
    await app.bus.idle();
    expect(app.mailer.outbox.filter((m) => m.to === address).map((m) => m.subject)).toEqual([
      'Welcome to Study Planner',
    ]);
  });

  it('creates a Google account with the names of the token and the raw nonce', async () => {
    const raw = nonce();
    const address = email();
    const token = await idToken('google', {
      sub: subject(),
      email: address,
      email_verified: true,
      nonce: raw,
      given_name: 'Grace',
      family_name: 'Hopper',
    });
    const res = await signIn({ provider: 'GOOGLE', idToken: token, nonce: raw });
    expect(res.errors).toBeUndefined();
    expect(res.data!.signInWithIdToken.user).toMatchObject({ email: address, firstName: 'Grace', lastName: 'Hopper' });
  });

  it('marks the account unverified when the token says the email is not, and mails a link', async () => {
    const raw = nonce();
    const address = email();
    const token = await idToken('google', { sub: subject(), email: address, email_verified: false, nonce: raw });
    const res = await signIn({ provider: 'GOOGLE', idToken: token, nonce: raw });
    expect(res.data!.signInWithIdToken.user).toMatchObject({ email: address, emailVerified: false });
    await app.bus.idle();
    expect(app.mailer.outbox.filter((m) => m.to === address).map((m) => m.subject)).toContain(
      'Confirm your email address',
    );
  });

  it.each([
    ['a wrong audience', 'AUDIENCE', { aud: 'com.someone.else' }, {}],
    ['a wrong issuer', 'ISSUER', { iss: 'https://evil.example.com' }, {}],
    ['an expired token', 'EXPIRED', { expiresIn: -60 }, {}],
    ['a wrong nonce', 'NONCE', {}, { nonce: sha256('another nonce') }],
    ['the raw nonce in the claim (APPLE_NONCE=sha256)', 'NONCE', {}, { raw: true }],
  ])('refuses %s with ID_TOKEN_INVALID, reason %s, creating nothing', async (_label, reason, options, claims) => {
    const raw = nonce();
    const sub = subject();
    const { raw: rawInClaim, ...rest } = claims as { raw?: boolean; nonce?: string };
    const token = await idToken(
      'apple',
      { sub, email: email(), email_verified: true, nonce: rawInClaim ? raw : sha256(raw), ...rest },
      options,
    );
    const res = await signIn({ provider: 'APPLE', idToken: token, nonce: raw });
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'ID_TOKEN_INVALID', reason });
    expect(await app.db.userIdentity.count({ where: { subject: sub } })).toBe(0);
  });

  it('refuses a bad signature (another key under a known kid) and a token that is not a JWT', async () => {
    const raw = nonce();
    const impostor = await makeKey('ES256');
    const forged = await idToken(
      'apple',
      { sub: subject(), email: email(), nonce: sha256(raw) },
      { key: { ...impostor, kid: keys.apple[0]!.kid } },
    );
    const res = await signIn({ provider: 'APPLE', idToken: forged, nonce: raw });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'ID_TOKEN_INVALID', reason: 'SIGNATURE' });
    const garbage = await signIn({ provider: 'APPLE', idToken: 'not.a.jwt', nonce: raw });
    expect(garbage.errors?.[0]?.extensions).toMatchObject({ code: 'ID_TOKEN_INVALID', reason: 'MALFORMED' });
  });

  it('fetches the JWKS again for an unknown kid: a rotated key works, a key never published does not', async () => {
    // The set is cached: a second sign-in with the same key fetches nothing.
    expect((await signIn(await appleInput())).errors).toBeUndefined();
    const cached = fetches.apple;
    expect((await signIn(await appleInput())).errors).toBeUndefined();
    expect(fetches.apple).toBe(cached);

    const rotated = await makeKey('RS256');
    keys.apple = [rotated, ...keys.apple];
    const raw = nonce();
    const token = await idToken(
      'apple',
      { sub: subject(), email: email(), email_verified: true, nonce: sha256(raw) },
      { key: rotated },
    );
    const res = await signIn({ provider: 'APPLE', idToken: token, nonce: raw });
    expect(res.errors).toBeUndefined();
    expect(fetches.apple).toBe(cached + 1);

    const unpublished = await makeKey('ES256');
    const stray = await idToken('apple', { sub: subject(), email: email(), nonce: sha256(raw) }, { key: unpublished });
    const refused = await signIn({ provider: 'APPLE', idToken: stray, nonce: raw });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'ID_TOKEN_INVALID', reason: 'SIGNATURE' });
    expect(fetches.apple).toBe(cached + 2);
  });

  it('links to an existing account whose email is verified, by a verified email', async () => {
    const user = await createUser(app.db);
    await app.db.user.update({ where: { id: user.id }, data: { emailVerifiedAt: app.clock.now } });
    const raw = nonce();
    const sub = subject();
    const token = await idToken('google', { sub, email: user.email.toUpperCase(), email_verified: true, nonce: raw });
    const res = await signIn({ provider: 'GOOGLE', idToken: token, nonce: raw });
    expect(res.errors).toBeUndefined();
    expect(rawId(res.data!.signInWithIdToken.user.id)).toBe(user.id);
    expect(await app.db.userIdentity.findFirstOrThrow({ where: { provider: 'GOOGLE', subject: sub } })).toMatchObject({
      userId: user.id,
    });
    // Audited: a new way into an existing account.
    const audit = await app.db.auditLog.findMany({ where: { targetId: user.id, action: 'user.identity_linked' } });
    expect(audit.map((a) => a.after)).toEqual([{ provider: 'GOOGLE', subject: sub }]);
  });

  it('does not link by an unverified email, on either side: CONFLICT, nothing created', async () => {
    const unverified = await createUser(app.db);
    const verified = await createUser(app.db);
    await app.db.user.update({ where: { id: verified.id }, data: { emailVerifiedAt: app.clock.now } });
    for (const [account, emailVerified] of [
      [unverified, true],
      [verified, false],
    ] as const) {
      const raw = nonce();
      const sub = subject();
      const token = await idToken('google', { sub, email: account.email, email_verified: emailVerified, nonce: raw });
      const res = await signIn({ provider: 'GOOGLE', idToken: token, nonce: raw });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ACCOUNT_EXISTS' });
      expect(await app.db.userIdentity.count({ where: { subject: sub } })).toBe(0);
      expect(await app.db.user.count({ where: { email: account.email } })).toBe(1);
    }
  });

  it('answers PROVIDER_DISABLED where a provider has no client ids', async () => {
    const config = loadConfig({ ...env, GOOGLE_CLIENT_IDS: '' });
    const beside = serverBeside(app, { identityProviders: config.identityProviders });
    const gql = async (query: string, variables: Record<string, unknown>) => {
      const res = await beside.yoga.fetch('http://test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as { errors?: { extensions?: Record<string, unknown> }[] };
    };
    const raw = nonce();
    const token = await idToken('google', { sub: subject(), email: email(), email_verified: true, nonce: raw });
    const res = await gql(SIGN_IN, { input: { provider: 'GOOGLE', idToken: token, nonce: raw } });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_DISABLED', provider: 'GOOGLE' });
    // Apple is configured there: it works.
    expect((await gql(SIGN_IN, { input: await appleInput() })).errors).toBeUndefined();
  });

  it('rate-limits sign-ins per address', async () => {
    const config = loadConfig(env);
    const beside = serverBeside(app, {
      identityProviders: config.identityProviders,
      rateLimits: { ...defaultHardening.rateLimits, idTokenSignInIp: { points: 2, durationSeconds: 3600 } },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await beside.yoga.fetch('http://test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: SIGN_IN, variables: { input: await appleInput() } }),
      });
      statuses.push(res.status);
      if (i === 2) {
        const body = (await res.json()) as { errors?: { extensions?: Record<string, unknown> }[] };
        expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
      }
    }
    expect(statuses).toEqual([200, 200, 429]);
  });
});

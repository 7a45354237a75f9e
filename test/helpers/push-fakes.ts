import { createECDH, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createSecureServer, type Http2SecureServer, type IncomingHttpHeaders } from 'node:http2';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { jwtVerify, decodeProtectedHeader } from 'jose';
import { generate } from 'selfsigned';

/*
 * Local fakes of the push providers, started on port 0: APNs (HTTP/2 over TLS), FCM (an OAuth2
 * token endpoint and messages:send, plain HTTP) and a Web Push endpoint (HTTPS). Each checks the
 * authentication the real one checks, with the keys the test made, and counts what it accepted.
 * `down` answers 503 (an outage); `invalid` holds tokens it rejects as gone for good.
 */

/** http_ece (web-push's own encryption library) decrypts what a browser would. */
const ece = createRequire(import.meta.url)('http_ece') as {
  decrypt(buffer: Buffer, params: { version: string; privateKey: unknown; authSecret: string }): Buffer;
};

/** A certificate for 127.0.0.1, trusted by the app through PUSH_CA_CERT. */
export async function makeTls(): Promise<{ key: string; cert: string }> {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

const listening = (server: Server | Http2SecureServer) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
const closing = (server: Server | Http2SecureServer) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    if ('closeAllConnections' in server) server.closeAllConnections();
  });
async function readBody(req: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

interface Fake<T> {
  accepted: T[];
  invalid: Set<string>;
  down: boolean;
  /** Requests refused for bad authentication (should stay 0). */
  unauthorized: number;
  close(): Promise<void>;
}

export interface ApnsPush {
  token: string;
  topic: string;
  pushType: string;
  apnsId: string;
  payload: { aps: { alert: { title: string; body: string } }; notificationId: string; kind: string };
}

/** APNs: POST /3/device/<token> with `authorization: bearer <ES256 JWT>` signed by the team's .p8 key. */
export async function fakeApns(tls: { key: string; cert: string }, team: { keyId: string; teamId: string }) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const server = createSecureServer({ key: tls.key, cert: tls.cert });
  const fake: Fake<ApnsPush> & { port: number; p8: string } = {
    accepted: [],
    invalid: new Set(),
    down: false,
    unauthorized: 0,
    port: 0,
    p8: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    close: () => closing(server),
  };
  server.on('stream', (stream, headers: IncomingHttpHeaders) => {
    void (async () => {
      const body = await readBody(stream);
      const answer = (status: number, json?: unknown) => {
        stream.respond({ ':status': status, 'apns-id': String(headers['apns-id'] ?? '') });
        stream.end(json ? JSON.stringify(json) : undefined);
      };
      const jwt = /^bearer (.+)$/i.exec(String(headers.authorization ?? ''))?.[1];
      try {
        if (!jwt || decodeProtectedHeader(jwt).kid !== team.keyId) throw new Error('kid');
        await jwtVerify(jwt, publicKey, { issuer: team.teamId, algorithms: ['ES256'] });
      } catch {
        fake.unauthorized += 1;
        return answer(403, { reason: 'InvalidProviderToken' });
      }
      const token = String(headers[':path']).replace('/3/device/', '');
      if (fake.down) return answer(503, { reason: 'ServiceUnavailable' });
      if (fake.invalid.has(token)) return answer(410, { reason: 'Unregistered', timestamp: Date.now() });
      fake.accepted.push({
        token,
        topic: String(headers['apns-topic']),
        pushType: String(headers['apns-push-type']),
        apnsId: String(headers['apns-id']),
        payload: JSON.parse(body.toString('utf8')),
      });
      answer(200);
    })();
  });
  fake.port = await listening(server);
  return fake;
}

export interface FcmPush {
  token: string;
  notification: { title: string; body: string };
  data: Record<string, string>;
}

/**
 * FCM: POST /token (the JWT-bearer grant: an RS256 assertion signed with the service account's key)
 * answers an access token; POST /v1/projects/<id>/messages:send must carry it.
 */
export async function fakeFcm(projectId: string) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const clientEmail = `push@${projectId}.iam.gserviceaccount.com`;
  const issued = new Set<string>();
  const server = createHttpServer();
  const fake: Fake<FcmPush> & { port: number; serviceAccount: string; tokensIssued: () => number; sends: number } = {
    sends: 0,
    accepted: [],
    invalid: new Set(),
    down: false,
    unauthorized: 0,
    port: 0,
    serviceAccount: '',
    tokensIssued: () => issued.size,
    close: () => closing(server),
  };
  server.on('request', (req: IncomingMessage, res) => {
    void (async () => {
      const body = (await readBody(req)).toString('utf8');
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.url === '/token') {
        const form = new URLSearchParams(body);
        try {
          if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') throw new Error('grant');
          const { payload } = await jwtVerify(form.get('assertion') ?? '', publicKey, {
            issuer: clientEmail,
            algorithms: ['RS256'],
          });
          if (!String(payload.scope).includes('firebase.messaging')) throw new Error('scope');
        } catch {
          fake.unauthorized += 1;
          return json(400, { error: 'invalid_grant' });
        }
        const token = `ya29.fake-${randomBytes(8).toString('hex')}`;
        issued.add(token);
        return json(200, { access_token: token, expires_in: 3600, token_type: 'Bearer' });
      }
      if (req.url !== `/v1/projects/${projectId}/messages:send`) return json(404, { error: { code: 404 } });
      fake.sends += 1;
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!bearer || !issued.has(bearer)) {
        fake.unauthorized += 1;
        return json(401, { error: { code: 401, status: 'UNAUTHENTICATED', message: 'bad token' } });
      }
      if (fake.down)
        return json(503, { error: { code: 503, status: 'UNAVAILABLE', message: 'The service is unavailable.' } });
      const { message } = JSON.parse(body) as { message: FcmPush };
      if (fake.invalid.has(message.token)) {
        return json(404, {
          error: {
            code: 404,
            status: 'NOT_FOUND',
            message: 'Requested entity was not found.',
            details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: 'UNREGISTERED' }],
          },
        });
      }
      fake.accepted.push(message);
      json(200, { name: `projects/${projectId}/messages/${fake.accepted.length}` });
    })();
  });
  fake.port = await listening(server);
  fake.serviceAccount = JSON.stringify({
    type: 'service_account',
    project_id: projectId,
    client_email: clientEmail,
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    token_uri: `http://127.0.0.1:${fake.port}/token`,
  });
  return fake;
}

export interface WebPushDelivery {
  path: string;
  /** The decrypted payload, as the browser's service worker gets it. */
  payload: { title: string; body: string; notificationId: string; kind: string };
  contentEncoding: string;
  ttl: string;
}

/** A browser's subscription: an ECDH key pair and an auth secret, with `toJSON()` as the app sends it. */
export function browserSubscription(endpoint: string) {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return {
    ecdh,
    auth,
    json: { endpoint, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') } },
  };
}

/**
 * A Web Push endpoint: POST /push/<id> with `Authorization: vapid t=<ES256 JWT>, k=<public key>`
 * (RFC 8292) and an aes128gcm body (RFC 8291), decrypted with the subscription's keys.
 */
export async function fakeWebPush(tls: { key: string; cert: string }, vapid: { publicKey: string; subject: string }) {
  const subscriptions = new Map<string, ReturnType<typeof browserSubscription>>();
  const server = createHttpsServer({ key: tls.key, cert: tls.cert });
  const fake: Fake<WebPushDelivery> & {
    port: number;
    subscribe(id: string): { endpoint: string; keys: { p256dh: string; auth: string } };
  } = {
    accepted: [],
    invalid: new Set(),
    down: false,
    unauthorized: 0,
    port: 0,
    subscribe(id) {
      const sub = browserSubscription(`https://127.0.0.1:${fake.port}/push/${id}`);
      subscriptions.set(`/push/${id}`, sub);
      return sub.json;
    },
    close: () => closing(server),
  };
  const raw = Buffer.from(vapid.publicKey, 'base64url');
  const vapidKey = createPublicKey({
    format: 'jwk',
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: raw.subarray(1, 33).toString('base64url'),
      y: raw.subarray(33, 65).toString('base64url'),
    },
  });
  server.on('request', (req: IncomingMessage, res) => {
    void (async () => {
      const body = await readBody(req);
      const end = (status: number) => {
        res.writeHead(status);
        res.end();
      };
      const match = /^vapid t=([^,\s]+),\s*k=(\S+)$/.exec(req.headers.authorization ?? '');
      try {
        if (!match || match[2] !== vapid.publicKey) throw new Error('k');
        await jwtVerify(match[1]!, vapidKey, {
          audience: `https://127.0.0.1:${fake.port}`,
          subject: vapid.subject,
          algorithms: ['ES256'],
        });
      } catch {
        fake.unauthorized += 1;
        return end(401);
      }
      if (fake.down) return end(503);
      const path = req.url ?? '';
      if (fake.invalid.has(path)) return end(410);
      const sub = subscriptions.get(path);
      if (!sub) return end(404);
      const plain = ece.decrypt(body, {
        version: 'aes128gcm',
        privateKey: sub.ecdh,
        authSecret: sub.auth.toString('base64url'),
      });
      fake.accepted.push({
        path,
        payload: JSON.parse(plain.toString('utf8')),
        contentEncoding: String(req.headers['content-encoding']),
        ttl: String(req.headers.ttl),
      });
      end(201);
    })();
  });
  fake.port = await listening(server);
  return fake;
}

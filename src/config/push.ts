import { readFileSync } from 'node:fs';
import { z } from 'zod';

/* Push notification providers (docs/push.md): APNs, FCM HTTP v1, Web Push. Parsed with the rest of
   the environment (src/config/env.ts spreads `pushEnvShape`); a provider is on when its credentials
   are all given. */

/** A variable that holds a value inline or names a file with it: `inline(text)` says which. */
function inlineOrFile(inline: (text: string) => boolean, what: string) {
  return z.string().transform((text, ctx) => {
    if (inline(text)) return text;
    try {
      return readFileSync(text, 'utf8');
    } catch (err) {
      const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
      const reason = code ? String(code) : 'unreadable';
      ctx.addIssue({ code: 'custom', message: `must be ${what} or the path of a file with it (${text}: ${reason})` });
      return z.NEVER;
    }
  });
}

const pem = (what: string) => inlineOrFile((t) => t.trimStart().startsWith('-----BEGIN'), what);

/** A Google service account key file's JSON, as the Firebase console downloads it. */
const serviceAccount = inlineOrFile((t) => t.trimStart().startsWith('{'), 'a service account JSON').transform(
  (text, ctx) => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be the service account key JSON (it is not JSON)' });
      return z.NEVER;
    }
    const parsed = z
      .object({
        project_id: z.string().min(1),
        client_email: z.string().min(1),
        private_key: z.string().startsWith('-----BEGIN'),
        token_uri: z.string().url().optional(),
      })
      .safeParse(json);
    if (!parsed.success) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a service account key JSON with project_id, client_email and private_key (${parsed.error.issues
          .map((i) => i.path.join('.'))
          .join(', ')})`,
      });
      return z.NEVER;
    }
    return parsed.data;
  },
);

const url = z.string().regex(/^https?:\/\//, 'must be an http:// or https:// URL');

/** The variables, spread into the environment schema. */
export const pushEnvShape = {
  APNS_KEY_ID: z.string().min(1).optional(),
  APNS_TEAM_ID: z.string().min(1).optional(),
  APNS_KEY: pem('a .p8 key (PEM)').optional(),
  APNS_BUNDLE_ID: z.string().min(1).optional(),
  APNS_PRODUCTION: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true')),
  APNS_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'must be a host name, optionally with :port')
    .optional(),
  FCM_SERVICE_ACCOUNT: serviceAccount.optional(),
  FCM_BASE_URL: url.default('https://fcm.googleapis.com'),
  VAPID_PUBLIC_KEY: z.string().min(1).optional(),
  VAPID_PRIVATE_KEY: z.string().min(1).optional(),
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:|https:\/\/)/, 'must be a mailto: or https:// URL')
    .optional(),
  WEB_PUSH_ENDPOINT_HOSTS: z
    .string()
    .transform((text) =>
      text
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    )
    .optional(),
  PUSH_CA_CERT: pem('a PEM certificate').optional(),
  PUSH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
};

/** The push services that browsers' PushSubscription endpoints point at (WEB_PUSH_ENDPOINT_HOSTS' default). */
export const DEFAULT_WEB_PUSH_HOSTS = [
  'fcm.googleapis.com',
  'updates.push.services.mozilla.com',
  'push.services.mozilla.com',
  'notify.windows.com',
  'push.apple.com',
];

export interface PushConfig {
  /** APNs with token (.p8) authentication; null: iOS devices get no push. */
  apns: {
    keyId: string;
    teamId: string;
    key: string;
    bundleId: string;
    /** api.push.apple.com (production) or api.sandbox.push.apple.com, or APNS_HOST (host[:port]). */
    host: string;
  } | null;
  /** FCM HTTP v1 with a service account; null: Android devices get no push. */
  fcm: {
    projectId: string;
    clientEmail: string;
    privateKey: string;
    /** Where the service account's OAuth2 token is fetched: the key JSON's token_uri (Google's by default). */
    tokenUri: string;
    /** https://fcm.googleapis.com, or FCM_BASE_URL: messages go to <base>/v1/projects/<id>/messages:send. */
    baseUrl: string;
  } | null;
  /** Web Push with VAPID; null: browsers get no push (and WEB devices cannot register). */
  webPush: { publicKey: string; privateKey: string; subject: string } | null;
  /** Hosts (and their subdomains) a Web Push subscription's endpoint may point at. */
  webPushEndpointHosts: string[];
  /** An extra CA certificate (PEM) trusted for APNs and Web Push connections, besides the system ones. */
  caCert: string | null;
  /** Longest wait for one provider request. */
  timeoutMs: number;
}

type PushEnv = z.output<z.ZodObject<typeof pushEnvShape>>;

const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';

/** The groups of variables that must be given together: the names of the ones missing from a started group. */
export function pushConfigProblems(e: Partial<PushEnv>): { path: string; message: string }[] {
  const groups: [string, (keyof PushEnv)[]][] = [
    ['APNs', ['APNS_KEY_ID', 'APNS_TEAM_ID', 'APNS_KEY', 'APNS_BUNDLE_ID']],
    ['Web Push', ['VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY', 'VAPID_SUBJECT']],
  ];
  const problems: { path: string; message: string }[] = [];
  for (const [provider, names] of groups) {
    const given = names.filter((n) => e[n] !== undefined);
    if (given.length === 0 || given.length === names.length) continue;
    for (const name of names.filter((n) => e[n] === undefined)) {
      problems.push({ path: name, message: `is required for ${provider} (${given.join(', ')} given)` });
    }
  }
  return problems;
}

/** The push settings of a parsed environment. */
export function pushConfigFrom(e: PushEnv & { NODE_ENV: string }): PushConfig {
  const production = e.APNS_PRODUCTION ?? e.NODE_ENV === 'production';
  const sa = e.FCM_SERVICE_ACCOUNT;
  return {
    apns:
      e.APNS_KEY_ID && e.APNS_TEAM_ID && e.APNS_KEY && e.APNS_BUNDLE_ID
        ? {
            keyId: e.APNS_KEY_ID,
            teamId: e.APNS_TEAM_ID,
            key: e.APNS_KEY,
            bundleId: e.APNS_BUNDLE_ID,
            host: e.APNS_HOST ?? (production ? 'api.push.apple.com' : 'api.sandbox.push.apple.com'),
          }
        : null,
    fcm: sa
      ? {
          projectId: sa.project_id,
          clientEmail: sa.client_email,
          privateKey: sa.private_key,
          tokenUri: sa.token_uri ?? GOOGLE_TOKEN_URI,
          baseUrl: e.FCM_BASE_URL.replace(/\/+$/, ''),
        }
      : null,
    webPush:
      e.VAPID_PUBLIC_KEY && e.VAPID_PRIVATE_KEY && e.VAPID_SUBJECT
        ? { publicKey: e.VAPID_PUBLIC_KEY, privateKey: e.VAPID_PRIVATE_KEY, subject: e.VAPID_SUBJECT }
        : null,
    webPushEndpointHosts: e.WEB_PUSH_ENDPOINT_HOSTS ?? DEFAULT_WEB_PUSH_HOSTS,
    caCert: e.PUSH_CA_CERT ?? null,
    timeoutMs: e.PUSH_TIMEOUT_MS,
  };
}

/** No provider at all (tests that build a config by hand, the defaults). */
export const defaultPushConfig: PushConfig = {
  apns: null,
  fcm: null,
  webPush: null,
  webPushEndpointHosts: DEFAULT_WEB_PUSH_HOSTS,
  caCert: null,
  timeoutMs: 10_000,
};

import { ValidationError } from '../../errors.js';

export type DevicePlatform = 'IOS' | 'ANDROID' | 'WEB';

/** The longest token stored (the unique index on it must stay under PostgreSQL's b-tree row limit). */
const MAX_TOKEN = 2048;

/** What registerDevice checks tokens against (DomainContext.devices; config.push). */
export interface DeviceSettings {
  /** Hosts (and their subdomains) a Web Push endpoint may point at (WEB_PUSH_ENDPOINT_HOSTS). */
  webPushEndpointHosts: readonly string[];
}

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

function base64urlBytes(value: unknown, field: string, bytes: number): string {
  const text = typeof value === 'string' ? value : '';
  if (!BASE64URL.test(text) || Buffer.from(text, 'base64url').length !== bytes) {
    throw new ValidationError(
      `${field} must be ${bytes} bytes in base64url (from PushSubscription.toJSON()).`,
      'token',
    );
  }
  return text.replace(/=+$/, '');
}

function hostAllowed(host: string, allowed: readonly string[]): boolean {
  const h = host.toLowerCase();
  return allowed.some((a) => h === a || h.endsWith(`.${a}`));
}

/** A Web Push subscription (PushSubscription.toJSON()) checked and written as canonical JSON. */
function webSubscription(token: string, settings: DeviceSettings): string {
  let json: unknown;
  try {
    json = JSON.parse(token);
  } catch {
    throw new ValidationError('A WEB token must be the PushSubscription JSON ({"endpoint","keys"}).', 'token');
  }
  const sub = (typeof json === 'object' && json !== null ? json : {}) as { endpoint?: unknown; keys?: unknown };
  let endpoint: URL;
  try {
    endpoint = new URL(typeof sub.endpoint === 'string' ? sub.endpoint : '');
  } catch {
    throw new ValidationError('The subscription endpoint must be an https:// URL.', 'token');
  }
  if (endpoint.protocol !== 'https:' || endpoint.username || endpoint.password) {
    throw new ValidationError('The subscription endpoint must be an https:// URL.', 'token');
  }
  if (!hostAllowed(endpoint.hostname, settings.webPushEndpointHosts)) {
    throw new ValidationError(
      `The subscription endpoint's host ${endpoint.hostname} is not a known push service.`,
      'token',
    );
  }
  const keys = (typeof sub.keys === 'object' && sub.keys !== null ? sub.keys : {}) as Record<string, unknown>;
  const p256dh = base64urlBytes(keys.p256dh, 'keys.p256dh', 65);
  if (Buffer.from(p256dh, 'base64url')[0] !== 0x04) {
    throw new ValidationError('keys.p256dh must be an uncompressed P-256 public key.', 'token');
  }
  const auth = base64urlBytes(keys.auth, 'keys.auth', 16);
  return JSON.stringify({ endpoint: endpoint.href, keys: { p256dh, auth } });
}

/**
 * A device token as stored: an APNs device token (hex, lower-cased), an FCM registration token, or
 * a Web Push subscription as canonical JSON (so the same subscription is the same token).
 * BAD_USER_INPUT (`field: token`) for anything else.
 */
export function normalizeDeviceToken(platform: DevicePlatform, token: string, settings: DeviceSettings): string {
  const text = token.trim();
  if (text.length === 0) throw new ValidationError('token must not be empty.', 'token');
  if (text.length > MAX_TOKEN) throw new ValidationError(`token must be at most ${MAX_TOKEN} characters.`, 'token');
  switch (platform) {
    case 'IOS':
      if (!/^[0-9a-fA-F]{64,200}$/.test(text) || text.length % 2 !== 0) {
        throw new ValidationError('An IOS token must be the APNs device token in hex (64 or more digits).', 'token');
      }
      return text.toLowerCase();
    case 'ANDROID':
      if (!/^[A-Za-z0-9_:-]{32,1024}$/.test(text)) {
        throw new ValidationError('An ANDROID token must be an FCM registration token.', 'token');
      }
      return text;
    case 'WEB':
      return webSubscription(text, settings);
  }
}

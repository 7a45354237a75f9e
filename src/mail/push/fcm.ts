import { JWT } from 'google-auth-library';
import type { PushConfig } from '../../config/push.js';
import { InvalidPushTokenError, type PushDevice, type PushMessage } from '../push.js';

/** The token endpoint google-auth-library's service-account flow posts to (gtoken's own constant). */
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';

interface FcmErrorBody {
  error?: {
    code?: number;
    status?: string;
    message?: string;
    details?: { '@type'?: string; errorCode?: string; fieldViolations?: { field?: string }[] }[];
  };
}

/** FCM's answer means the registration token is gone or not a token of this project. */
function isInvalidToken(body: FcmErrorBody): boolean {
  const error = body.error ?? {};
  const codes = (error.details ?? []).map((d) => d.errorCode).filter(Boolean);
  if (codes.includes('UNREGISTERED') || codes.includes('SENDER_ID_MISMATCH')) return true;
  if (error.status !== 'INVALID_ARGUMENT' && !codes.includes('INVALID_ARGUMENT')) return false;
  // INVALID_ARGUMENT is about the token only when FCM says so: a bad payload is our fault, not the device's.
  const fields = (error.details ?? []).flatMap((d) => d.fieldViolations ?? []).map((v) => v.field ?? '');
  return fields.some((f) => f.endsWith('token')) || /registration token/i.test(error.message ?? '');
}

/**
 * FCM HTTP v1: an OAuth2 access token for the service account from google-auth-library (JWT grant,
 * cached until it expires), then POST <base>/v1/projects/<id>/messages:send. The library posts to
 * Google's token endpoint; a request interceptor on its HTTP client sends it to the key's token_uri
 * instead when that differs (a private gateway, the tests' fake).
 */
export function createFcmSender(fcm: NonNullable<PushConfig['fcm']>, push: PushConfig) {
  const auth = new JWT({
    email: fcm.clientEmail,
    key: fcm.privateKey,
    scopes: [SCOPE],
    transporterOptions: { timeout: push.timeoutMs },
  });
  if (fcm.tokenUri !== GOOGLE_TOKEN_URL) {
    auth.transporter.interceptors.request.add({
      resolved: async (options) => {
        if (options.url.href === GOOGLE_TOKEN_URL) options.url = new URL(fcm.tokenUri);
        return options;
      },
    });
  }
  const endpoint = `${fcm.baseUrl}/v1/projects/${encodeURIComponent(fcm.projectId)}/messages:send`;
  return {
    async send(device: PushDevice, message: PushMessage): Promise<void> {
      const { token } = await auth.getAccessToken();
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          message: {
            token: device.token,
            notification: { title: message.title, body: message.body },
            data: { notificationId: message.notificationId, kind: message.kind },
            android: { priority: 'high' },
          },
        }),
        signal: AbortSignal.timeout(push.timeoutMs),
      });
      if (res.ok) return;
      const body = (await res.json().catch(() => ({}))) as FcmErrorBody;
      const what = `FCM: ${res.status} ${body.error?.status ?? ''} ${body.error?.message ?? ''}`.trim();
      if (isInvalidToken(body)) throw new InvalidPushTokenError(what);
      // 401: the cached access token may have been revoked; fetch a new one on the retry.
      if (res.status === 401) auth.credentials = {};
      throw new Error(what);
    },
  };
}

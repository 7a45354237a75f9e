import { rootCertificates } from 'node:tls';
import apn from '@parse/node-apn';
import type { PushConfig } from '../../config/push.js';
import { InvalidPushTokenError, type PushDevice, type PushMessage } from '../push.js';

/** APNs reasons that mean the device token is gone for good (Apple's "Handling notification responses"). */
const INVALID_REASONS = new Set(['BadDeviceToken', 'Unregistered', 'DeviceTokenNotForTopic']);

/**
 * APNs over HTTP/2 with token (.p8) authentication, by @parse/node-apn: it signs the provider JWT
 * (ES256, renewed before Apple's hour runs out) and keeps one HTTP/2 session.
 */
export function createApnsSender(apns: NonNullable<PushConfig['apns']>, push: PushConfig) {
  const [address, port] = apns.host.split(':');
  const provider = new apn.Provider({
    token: { key: apns.key, keyId: apns.keyId, teamId: apns.teamId },
    address,
    port: port ? Number(port) : 443,
    production: apns.host === 'api.push.apple.com',
    ...(push.caCert ? { ca: [...rootCertificates, push.caCert] } : {}),
    requestTimeout: push.timeoutMs,
    // 5xx and 429 are retried by the delivery job with its backoff, not here.
    connectionRetryLimit: 0,
  });
  return {
    async send(device: PushDevice, message: PushMessage): Promise<void> {
      const note = new apn.Notification();
      note.topic = apns.bundleId;
      note.pushType = 'alert';
      note.alert = { title: message.title, body: message.body };
      note.sound = 'default';
      note.payload = { notificationId: message.notificationId, kind: message.kind };
      // One apns-id per notification: Apple and the app see a retry as the same message.
      note.id = message.notificationId;
      const { failed } = await provider.send(note, device.token);
      const failure = failed[0];
      if (!failure) return;
      const reason = failure.response?.reason;
      if (failure.status === 410 || (reason && INVALID_REASONS.has(reason))) {
        throw new InvalidPushTokenError(`APNs: ${failure.status ?? ''} ${reason ?? 'invalid token'}`.trim());
      }
      const detail = reason ?? failure.error?.message ?? 'no response';
      throw new Error(`APNs: ${failure.status ? `${failure.status} ` : ''}${detail}`);
    },
    async close() {
      await provider.shutdown();
    },
  };
}

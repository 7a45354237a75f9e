import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import webpush, { WebPushError, type PushSubscription } from 'web-push';
import type { PushConfig } from '../../config/push.js';
import { InvalidPushTokenError, type PushDevice, type PushMessage } from '../push.js';

/** Web Push (RFC 8030) with VAPID (RFC 8292) and an aes128gcm-encrypted payload (RFC 8291), by web-push. */
export function createWebPushSender(vapid: NonNullable<PushConfig['webPush']>, push: PushConfig) {
  const agent = push.caCert ? new Agent({ ca: [...rootCertificates, push.caCert], keepAlive: true }) : undefined;
  return {
    async send(device: PushDevice, message: PushMessage): Promise<void> {
      // Validated and stored as canonical JSON by registerDevice.
      const subscription = JSON.parse(device.token) as PushSubscription;
      const payload = JSON.stringify({
        title: message.title,
        body: message.body,
        notificationId: message.notificationId,
        kind: message.kind,
      });
      try {
        await webpush.sendNotification(subscription, payload, {
          vapidDetails: vapid,
          TTL: 86_400,
          urgency: 'normal',
          contentEncoding: 'aes128gcm',
          timeout: push.timeoutMs,
          ...(agent ? { agent } : {}),
        });
      } catch (err) {
        if (err instanceof WebPushError) {
          const what = `Web Push: ${err.statusCode} ${err.body ?? ''}`.trim().slice(0, 300);
          // 404 / 410: the subscription expired or the user revoked it.
          if (err.statusCode === 404 || err.statusCode === 410) throw new InvalidPushTokenError(what);
          throw new Error(what);
        }
        throw err;
      }
    },
    async close() {
      agent?.destroy();
    },
  };
}

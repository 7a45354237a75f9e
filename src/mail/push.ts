import type { Logger } from '../observability/logger.js';

/** Where a device's pushes go: APNs, FCM or Web Push (docs/push.md). */
export type PushPlatform = 'IOS' | 'ANDROID' | 'WEB';

/** One registered device, as the delivery job loads it. */
export interface PushDevice {
  id: string;
  platform: PushPlatform;
  /** APNs device token, FCM registration token, or the Web Push subscription JSON. */
  token: string;
}

/** One push notification, sent to each of a user's devices. */
export interface PushMessage {
  userId: string;
  title: string;
  body: string;
  /** The notification it delivers (apps open it by this id). */
  notificationId: string;
  /** The notification's kind, e.g. `reminder`, `digest`. */
  kind: string;
}

/**
 * The provider said the token is no longer valid (APNs 410 / BadDeviceToken / Unregistered, FCM
 * UNREGISTERED or INVALID_ARGUMENT about the token, Web Push 404 / 410): the device is removed.
 */
export class InvalidPushTokenError extends Error {
  override name = 'InvalidPushTokenError';
}

/** No provider is configured for the device's platform: nothing is sent to it, nothing is retried. */
export class PushPlatformOffError extends Error {
  override name = 'PushPlatformOffError';
}

/**
 * Sends push notifications, one device at a time. `send` resolves when the provider accepted the
 * message; throws `InvalidPushTokenError` (remove the device), `PushPlatformOffError` (skip it), or
 * anything else for a temporary failure (5xx, 429, network: the delivery job retries the row later,
 * to the devices that have not accepted it yet).
 */
export interface PushTransport {
  /** `off`: no provider (production without credentials): the job sends no push and marks no row sent. */
  readonly mode: 'providers' | 'development' | 'off';
  /** One line for the start-up log: what this transport sends with. */
  describe(): string;
  send(device: PushDevice, message: PushMessage): Promise<void>;
  /** Closes provider connections (HTTP/2 sessions). */
  close?(): Promise<void>;
}

/** Development and tests: records what it would send (in `sent`, one entry per device) and logs it. */
export class MemoryPushTransport implements PushTransport {
  readonly mode = 'development';
  readonly sent: (PushMessage & { deviceId: string; platform: PushPlatform })[] = [];
  constructor(private readonly logger?: Logger) {}
  describe() {
    return 'push: development transport (no provider credentials; pushes are logged, not sent)';
  }
  async send(device: PushDevice, message: PushMessage) {
    this.sent.push({ ...message, deviceId: device.id, platform: device.platform });
    this.logger?.info(
      { push: { userId: message.userId, deviceId: device.id, platform: device.platform, title: message.title } },
      'push (development transport, not sent)',
    );
  }
}

/** Production without any provider's credentials: push is off; rows are closed unsent (docs/push.md). */
export class PushOff implements PushTransport {
  readonly mode = 'off';
  describe() {
    return 'push is off: no APNs, FCM or Web Push credentials (APNS_*, FCM_SERVICE_ACCOUNT, VAPID_*); push rows are not sent';
  }
  async send(): Promise<void> {
    throw new PushPlatformOffError('push is off');
  }
}

import type { PushConfig } from '../../config/push.js';
import type { Logger } from '../../observability/logger.js';
import {
  MemoryPushTransport,
  PushOff,
  PushPlatformOffError,
  type PushDevice,
  type PushMessage,
  type PushPlatform,
  type PushTransport,
} from '../push.js';
import { createApnsSender } from './apns.js';
import { createFcmSender } from './fcm.js';
import { createWebPushSender } from './web-push.js';

interface Sender {
  send(device: PushDevice, message: PushMessage): Promise<void>;
  close?(): Promise<void>;
}

/** Sends each device's push through its platform's provider; a platform without one is skipped. */
export class ProviderPushTransport implements PushTransport {
  readonly mode = 'providers';
  private readonly senders: Partial<Record<PushPlatform, Sender>>;

  constructor(config: PushConfig) {
    this.senders = {
      ...(config.apns ? { IOS: createApnsSender(config.apns, config) } : {}),
      ...(config.fcm ? { ANDROID: createFcmSender(config.fcm, config) } : {}),
      ...(config.webPush ? { WEB: createWebPushSender(config.webPush, config) } : {}),
    };
  }

  describe() {
    const names = { IOS: 'APNs', ANDROID: 'FCM', WEB: 'Web Push' } as const;
    const on = (Object.keys(names) as PushPlatform[]).map((p) => `${names[p]} ${this.senders[p] ? 'on' : 'off'}`);
    return `push: ${on.join(', ')}`;
  }

  async send(device: PushDevice, message: PushMessage) {
    const sender = this.senders[device.platform];
    if (!sender) throw new PushPlatformOffError(`no provider configured for ${device.platform}`);
    await sender.send(device, message);
  }

  async close() {
    await Promise.all(Object.values(this.senders).map((s) => s.close?.()));
  }
}

/**
 * The push transport of a configuration: the providers whose credentials are given; without any,
 * in production push is off (rows are closed unsent), elsewhere the development transport logs.
 */
export function createPushTransport(config: PushConfig, options: { production: boolean; logger?: Logger }) {
  if (config.apns || config.fcm || config.webPush) return new ProviderPushTransport(config);
  return options.production ? new PushOff() : new MemoryPushTransport(options.logger);
}

import type { Logger } from '../observability/logger.js';

/** One push notification to all of a user's devices. */
export interface PushMessage {
  userId: string;
  title: string;
  body: string;
  /** The notification it delivers. */
  notificationId: string;
}

/**
 * Sends push notifications. A vendor adapter (APNs, FCM, a push service) implements this; until one
 * is chosen the app uses `MemoryPushTransport`. `send` throws when the message was not accepted
 * (the delivery job then retries it).
 */
export interface PushTransport {
  send(message: PushMessage): Promise<void>;
}

/** Development and tests: records what it would send (in `sent`) and logs it. */
export class MemoryPushTransport implements PushTransport {
  readonly sent: PushMessage[] = [];
  constructor(private readonly logger?: Logger) {}
  async send(message: PushMessage) {
    this.sent.push(message);
    this.logger?.info(
      { push: { userId: message.userId, title: message.title } },
      'push (development transport, not sent)',
    );
  }
}

import nodemailer from 'nodemailer';
import type { Logger } from '../observability/logger.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** SMTP through nodemailer: pooled connections, TLS, retries on the transport's side. */
export function createSmtpMailer(url: string, from: string): Mailer {
  // A server that accepts and then goes silent fails the send in seconds, not minutes (the event bus retries it).
  const transport = nodemailer.createTransport(url, {
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    async send(message) {
      await transport.sendMail({ from, ...message });
    },
  };
}

/** Development and tests: logs each message and keeps it in `outbox` for inspection. */
export class MemoryMailer implements Mailer {
  readonly outbox: MailMessage[] = [];
  constructor(private readonly logger?: Logger) {}
  async send(message: MailMessage) {
    this.outbox.push(message);
    this.logger?.info({ mail: { to: message.to, subject: message.subject } }, 'mail (development transport, not sent)');
  }
}

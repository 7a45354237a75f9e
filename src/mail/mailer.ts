import nodemailer from 'nodemailer';
import { parseConnectionUrl } from 'nodemailer/lib/shared/index.js';
import type { Logger } from '../observability/logger.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** How long the SMTP transport waits; each must stay below the event handler timeout. */
export interface SmtpTimeouts {
  /** Opening the TCP (or TLS) connection. */
  connectionTimeoutMs: number;
  /** From connected to the server's greeting. */
  greetingTimeoutMs: number;
  /** Silence on an open connection, at any step: longer than the greeting timeout, so a silent server is reported as not greeting. */
  socketTimeoutMs: number;
}

/**
 * The SMTP timeouts for a handler timeout: 10 s to connect or be greeted and 20 s of silence,
 * shortened to a third and a half of the handler timeout when it is shorter, so the transport
 * always gives up (with an error that says where) before the handler is timed out.
 */
export function smtpTimeoutsFor(handlerTimeoutMs: number): SmtpTimeouts {
  const third = Math.max(1, Math.floor(handlerTimeoutMs / 3));
  const half = Math.max(1, Math.floor(handlerTimeoutMs / 2));
  return {
    connectionTimeoutMs: Math.min(10_000, third),
    greetingTimeoutMs: Math.min(10_000, third),
    socketTimeoutMs: Math.min(20_000, half),
  };
}

/**
 * A send that failed once the SMTP session was under way with no answer from the server (a
 * timeout or a dropped connection after the greeting): the server may have accepted the message.
 * An at-most-once sender must not try it again on its own.
 */
export class MailOutcomeUnknownError extends Error {
  /** Read by the event bus: the effect may have happened. */
  readonly outcomeUnknown = true;
  constructor(cause: Error) {
    super(`${cause.message} (SMTP session under way, no answer: the message may have been accepted)`, { cause });
    this.name = 'MailOutcomeUnknownError';
  }
}

interface SmtpFailure extends Error {
  code?: string;
  responseCode?: number;
  syscall?: string;
}

/**
 * Whether nodemailer's error proves the message was not accepted: the server answered with a
 * refusal (any command, DATA included), or the session never began (no connection, no greeting,
 * DNS, TLS, authentication, an envelope refused before sending). Anything else, a timeout or a
 * closed connection in mid-session, may have come after the message was handed over.
 */
export function provesNotSent(err: SmtpFailure): boolean {
  if (typeof err.responseCode === 'number') return true;
  if (err.syscall === 'connect' || err.syscall === 'getaddrinfo') return true;
  if (['EDNS', 'ETLS', 'EAUTH', 'EENVELOPE', 'ECONNREFUSED'].includes(err.code ?? '')) return true;
  return err.message === 'Connection timeout' || err.message === 'Greeting never received';
}

/**
 * SMTP through nodemailer (pooled when the URL says `?pool=true`). The timeouts are transport
 * options: given as `createTransport`'s second argument they would be message defaults and be
 * ignored, leaving nodemailer's own (2 min to connect, 30 s greeting, 10 min of silence).
 */
export function createSmtpMailer(url: string, from: string, timeouts: SmtpTimeouts): Mailer {
  const transport = nodemailer.createTransport({
    ...parseConnectionUrl(url),
    connectionTimeout: timeouts.connectionTimeoutMs,
    greetingTimeout: timeouts.greetingTimeoutMs,
    socketTimeout: timeouts.socketTimeoutMs,
  });
  return {
    async send(message) {
      try {
        await transport.sendMail({ from, ...message });
      } catch (err) {
        if (err instanceof Error && !provesNotSent(err)) throw new MailOutcomeUnknownError(err);
        throw err;
      }
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

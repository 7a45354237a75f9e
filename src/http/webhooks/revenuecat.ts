import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from '../../db/unavailable.js';
import { AppError } from '../../errors.js';
import { receiveRevenueCatEvent, type WebhookContext } from '../../resolvers/billing/receive-revenuecat-event.js';
import { REQUEST_BODY_LIMIT_BYTES } from '../body-limit.js';

export const REVENUECAT_WEBHOOK_PATH = '/webhooks/revenuecat';

export interface RevenueCatWebhookOptions {
  /** The Authorization value RevenueCat is configured to send; null: the route answers 503. */
  secret: string | null;
  /** REVENUECAT_WEBHOOK_SIGNING_KEY: when set, X-RevenueCat-Signature must sign the body. */
  signingKey?: string | null;
  /** REVENUECAT_NON_RENEWING_DAYS (Config.billing.nonRenewingDays). */
  nonRenewingDays?: Record<string, number>;
  context: WebhookContext;
  /** Largest body accepted (default: the API's request body limit). */
  limit?: number;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Compares in constant time (over digests, so the lengths do not leak either). RevenueCat sends
 * the configured value as the whole header; `Bearer <secret>` is accepted too.
 */
export function isAuthorized(header: string | null, secret: string): boolean {
  if (!header) return false;
  const given = digest(header.trim());
  const plain = timingSafeEqual(given, digest(secret));
  const bearer = timingSafeEqual(given, digest(`Bearer ${secret}`));
  return plain || bearer;
}

export const SIGNATURE_HEADER = 'x-revenuecat-signature';

/**
 * Whether `header` is the HMAC-SHA256 of the body under `key`, in hex (a `sha256=` prefix
 * allowed), compared in constant time.
 */
export function isSigned(header: string | null, body: string, key: string): boolean {
  if (!header) return false;
  const given = header
    .trim()
    .replace(/^sha256=/i, '')
    .toLowerCase();
  const expected = createHmac('sha256', key).update(body, 'utf8').digest('hex');
  return timingSafeEqual(digest(given), digest(expected));
}

/** The body as text, or null when it is longer than `limit` bytes (reading stops there). */
async function readLimited(request: Request, limit: number): Promise<string | null> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * POST /webhooks/revenuecat: RevenueCat's subscription events (docs/billing-and-admin.md).
 * Checks, before anything is stored: the shared secret (401), a JSON content type (400), the
 * body size (413), the body's signature when a signing key is set (401) and JSON syntax (400); then the domain function applies the event and the
 * answer is 200 with what it did (APPLIED, STALE, UNMATCHED, IGNORED or DUPLICATE). A body the
 * domain refuses (not an event, a date out of range, a NUL or lone surrogate, nesting past 32
 * levels) answers 400 and is logged; a database outage 503 with Retry-After, so RevenueCat
 * retries (idempotent by event id); anything else 500.
 */
export function useRevenueCatWebhook(options: RevenueCatWebhookOptions): Plugin {
  const limit = options.limit ?? REQUEST_BODY_LIMIT_BYTES;
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== REVENUECAT_WEBHOOK_PATH) return;
      const reply = (status: number, body: Record<string, unknown>, headers?: Record<string, string>) =>
        endResponse(fetchAPI.Response.json(body, { status, headers }));
      if (request.method !== 'POST') return reply(405, { error: 'Only POST is accepted.' }, { allow: 'POST' });
      if (!options.secret) {
        options.context.logger.warn('RevenueCat webhook received but REVENUECAT_WEBHOOK_SECRET is not set');
        return reply(503, { error: 'The RevenueCat webhook is not configured.' });
      }
      if (!isAuthorized(request.headers.get('authorization'), options.secret)) {
        return reply(401, { error: 'Missing or wrong Authorization header.' });
      }
      const type = request.headers.get('content-type') ?? '';
      if (!/^application\/json\s*(;|$)/i.test(type)) {
        return reply(400, { error: 'Content-Type must be application/json.' });
      }
      const length = request.headers.get('content-length');
      if (length !== null && !/^\d+$/.test(length)) return reply(400, { error: 'Content-Length header is invalid.' });
      if (length !== null && Number(length) > limit) return reply(413, { error: 'Request body too large.' });
      const text = await readLimited(request, limit);
      if (text === null) return reply(413, { error: 'Request body too large.' });
      if (options.signingKey && !isSigned(request.headers.get(SIGNATURE_HEADER), text, options.signingKey)) {
        return reply(401, { error: 'Missing or wrong X-RevenueCat-Signature header.' });
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return reply(400, { error: 'The body is not valid JSON.' });
      }
      try {
        const result = await receiveRevenueCatEvent(options.context, {
          body,
          nonRenewingDays: options.nonRenewingDays,
        });
        return reply(200, { ...result });
      } catch (err) {
        if (err instanceof AppError) {
          options.context.logger.warn({ err: err.message, code: err.code }, 'revenuecat webhook refused');
          return reply(400, { error: err.message, code: err.code });
        }
        if (isDatabaseUnavailable(err)) {
          options.context.logger.warn({ err }, 'revenuecat webhook: database unavailable, RevenueCat will retry');
          return reply(
            503,
            { error: 'The service is unavailable; the event will be retried.' },
            { 'retry-after': String(RETRY_AFTER_SECONDS) },
          );
        }
        options.context.logger.error({ err }, 'revenuecat webhook failed');
        return reply(500, { error: 'The event could not be processed; it will be retried.' });
      }
    },
  };
}

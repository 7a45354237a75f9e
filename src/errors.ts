/**
 * Errors meant for clients. Domain functions throw these; the server maps each to a GraphQL
 * error with `extensions.code`. Anything else that escapes a resolver is masked.
 */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'VERIFICATION_TOKEN_INVALID'
  | 'ID_TOKEN_INVALID'
  | 'PROVIDER_DISABLED'
  | 'SYNC_CURSOR_EXPIRED';

export abstract class AppError extends Error {
  abstract readonly code: ErrorCode;
  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  readonly code = 'BAD_USER_INPUT';
  /** `field` names the input field at fault, so a form can show the message beside it. */
  constructor(message: string, field?: string) {
    super(message, field ? { field } : undefined);
  }
}

export class UnauthenticatedError extends AppError {
  readonly code = 'UNAUTHENTICATED';
  constructor(message = 'You must be signed in to do this.') {
    super(message);
  }
}

export class ForbiddenError extends AppError {
  readonly code = 'FORBIDDEN';
  constructor(message = 'You are not allowed to do this.') {
    super(message);
  }
}

export class NotFoundError extends AppError {
  readonly code = 'NOT_FOUND';
  constructor(entity: string, id?: string) {
    super(id ? `${entity} ${id} was not found.` : `${entity} was not found.`, { entity });
  }
}

export class ConflictError extends AppError {
  readonly code = 'CONFLICT';
}

/**
 * An email verification token that does not verify anything; `reason` says why: UNKNOWN (never
 * issued, or mistyped), USED (single-use: followed already), EXPIRED, SUPERSEDED (it proves an
 * address the account no longer asks for).
 */
export class VerificationTokenError extends AppError {
  readonly code = 'VERIFICATION_TOKEN_INVALID';
  constructor(
    readonly reason: 'UNKNOWN' | 'USED' | 'EXPIRED' | 'SUPERSEDED',
    message: string,
  ) {
    super(message, { reason });
  }
}

/**
 * An Apple or Google ID token that was refused; `reason`: MALFORMED, SIGNATURE (no key of the
 * provider's JWKS verifies it), ISSUER, AUDIENCE (not one of the app's client ids), EXPIRED,
 * NONCE, EMAIL (it carries no email address to create an account with).
 */
export class IdTokenError extends AppError {
  readonly code = 'ID_TOKEN_INVALID';
  constructor(
    readonly reason: 'MALFORMED' | 'SIGNATURE' | 'ISSUER' | 'AUDIENCE' | 'EXPIRED' | 'NONCE' | 'EMAIL',
    message: string,
  ) {
    super(message, { reason });
  }
}

/** Sign-in with a provider this server has no client ids for. */
export class ProviderDisabledError extends AppError {
  readonly code = 'PROVIDER_DISABLED';
  constructor(provider: string) {
    super(`Sign in with ${provider} is not configured on this server.`, { provider });
  }
}

/**
 * A sync cursor older than the change log's retention (docs/sync.md): changes after it may have
 * been pruned, so the app starts over with a full sync (`changes(since: null)`).
 */
export class SyncCursorExpiredError extends AppError {
  readonly code = 'SYNC_CURSOR_EXPIRED';
  constructor() {
    super('This sync cursor is older than the change log keeps: sync again from the start (since: null).');
  }
}

/** Documents refused when an app version publishes them: each with its GraphQL errors. */
export class InvalidDocumentsError extends AppError {
  readonly code = 'BAD_USER_INPUT';
  constructor(
    message: string,
    documents: { id: string; operationName: string | null; errors: { message: string }[] }[],
  ) {
    super(message, { documents });
  }
}

/** A start-up failure the operator can act on: main.ts prints its message as one line, no stack. */
export class StartupError extends Error {
  override name = 'StartupError';
}

/** Too many attempts: `retryAfter` (seconds) in extensions, a Retry-After header, HTTP 429. */
export class RateLimitedError extends AppError {
  readonly code = 'RATE_LIMITED';
  constructor(retryAfterSeconds: number, message = 'Too many requests.') {
    super(`${message} Try again in ${retryAfterSeconds} s.`, { retryAfter: retryAfterSeconds });
  }
}

/** The database is away or too slow right now: retry after `retryAfter` seconds (HTTP 503). */
export class ServiceUnavailableError extends AppError {
  readonly code = 'SERVICE_UNAVAILABLE';
  constructor(retryAfterSeconds: number) {
    super('The service is temporarily unavailable. Please retry shortly.', { retryAfter: retryAfterSeconds });
  }
}

/** HTTP status and Retry-After header for an error that says when to retry. */
export function httpExtension(error: AppError): { status: number; headers: Record<string, string> } | undefined {
  const retryAfter = error.details?.retryAfter;
  if (typeof retryAfter !== 'number') return undefined;
  return { status: error.code === 'RATE_LIMITED' ? 429 : 503, headers: { 'Retry-After': String(retryAfter) } };
}

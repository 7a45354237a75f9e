/**
 * Errors meant for clients. Domain functions throw these; the server maps each to a GraphQL
 * error with `extensions.code`. Anything else that escapes a resolver is masked.
 */
export type ErrorCode = 'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'RATE_LIMITED';

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

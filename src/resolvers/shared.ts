import type { DomainContext, Viewer } from '../context.js';
import type { Tx } from '../db/client.js';
import { UnauthenticatedError, ValidationError } from '../errors.js';

export function requireViewer(ctx: DomainContext): Viewer {
  if (!ctx.viewer) throw new UnauthenticatedError();
  return ctx.viewer;
}

/**
 * Runs `work` in one transaction (rows and outbox events together), then, once it has
 * committed, asks the event bus to dispatch. The caller gets its result after the commit.
 */
export async function inTransaction<T>(ctx: DomainContext, work: (tx: Tx) => Promise<T>): Promise<T> {
  const result = await ctx.db.$transaction(work);
  ctx.events.notify();
  return result;
}

/** Trims a required text field and checks its length. */
export function requiredText(value: string, field: string, max: number): string {
  const text = value.trim();
  if (text.length === 0) throw new ValidationError(`${field} must not be empty.`, field);
  if (text.length > max) throw new ValidationError(`${field} must be at most ${max} characters.`, field);
  return text;
}

/** Trims an optional text field: empty becomes null. */
export function optionalText(value: string | null | undefined, field: string, max: number): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  const text = value.trim();
  if (text.length > max) throw new ValidationError(`${field} must be at most ${max} characters.`, field);
  return text.length === 0 ? null : text;
}

/** True for a Prisma unique-constraint violation. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2002';
}

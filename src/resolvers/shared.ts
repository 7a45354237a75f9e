import type { DomainContext } from './domain-context.js';
import type { Tx } from '../db/client.js';
import { ValidationError } from '../errors.js';

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

/** Earliest and latest instants the API accepts for task times. */
export const MIN_DATE = new Date('2000-01-01T00:00:00Z');
export const MAX_DATE = new Date('2100-01-01T00:00:00Z');

/** Checks that a date is within the accepted range. */
export function checkDate(value: Date, field: string): Date {
  if (Number.isNaN(value.getTime()) || value < MIN_DATE || value >= MAX_DATE) {
    throw new ValidationError(`${field} must be between 2000-01-01 and 2100-01-01.`, field);
  }
  return value;
}

/** Checks that an interval ends after it starts. */
export function checkInterval(startsAt: Date, endsAt: Date, endField = 'endsAt'): void {
  if (endsAt <= startsAt) throw new ValidationError(`${endField} must be after startsAt.`, endField);
}

/** A lone UTF-16 surrogate (a well-formed pair is one code point, not matched). */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Why a parsed JSON value cannot be stored in a `jsonb` column as it is, or null when it can:
 * PostgreSQL refuses a NUL character and a lone UTF-16 surrogate in any string or key, and a
 * value nested deeper than `maxDepth` would overflow the stack of whatever walks it (Prisma's
 * serializer among them). Walked without recursion, so any depth is examined safely.
 */
export function unstorableJson(value: unknown, maxDepth: number): string | null {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  const badString = (s: string) =>
    s.includes('\0') ? 'a NUL character' : LONE_SURROGATE.test(s) ? 'a lone UTF-16 surrogate' : null;
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { value: v, depth } = item;
    if (typeof v === 'string') {
      const bad = badString(v);
      if (bad) return `holds ${bad}`;
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= maxDepth) return `is nested deeper than ${maxDepth} levels`;
    for (const [key, inner] of Object.entries(v)) {
      const bad = Array.isArray(v) ? null : badString(key);
      if (bad) return `holds ${bad} in a key`;
      stack.push({ value: inner, depth: depth + 1 });
    }
  }
  return null;
}

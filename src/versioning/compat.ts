import { ValidationError } from '../errors.js';

/**
 * Small translations that keep deprecated elements working until their sunset. Each one is
 * removed together with the deprecated element it serves.
 */

/** `User.name`: the name as one string, "First Last". */
export function fullName(user: { firstName: string; lastName: string }): string {
  return `${user.firstName} ${user.lastName}`.trim();
}

/** What String.prototype.trim removes (ECMAScript WhiteSpace and LineTerminator), as a regex class. */
const JS_WHITESPACE = '[\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]';

/** `fullName` in SQL over a user row `r` (the planned path). */
export const fullNameSql = (r: string): string =>
  `regexp_replace(${r}."firstName" || ' ' || ${r}."lastName", '^${JS_WHITESPACE}+|${JS_WHITESPACE}+$', '', 'g')`;

/**
 * `UpdateProfileInput.name`: "First Last" split at its first space into first and last name.
 * Not with firstName or lastName; a name without a space cannot be split.
 */
export function splitFullName(input: { name?: string | null; firstName?: string | null; lastName?: string | null }): {
  firstName?: string | null;
  lastName?: string | null;
} {
  const { name, firstName, lastName } = input;
  if (name === undefined) return { firstName, lastName };
  if (firstName !== undefined || lastName !== undefined) {
    throw new ValidationError('Give either name (deprecated) or firstName and lastName, not both.', 'name');
  }
  const match = name === null ? null : /^\s*(\S+)\s+(.+?)\s*$/.exec(name);
  if (!match) throw new ValidationError('name must be "First Last"; better, send firstName and lastName.', 'name');
  return { firstName: match[1], lastName: match[2] };
}

/**
 * A deprecated argument and the newer place for the same value: the newer one wins; given both with
 * different values is BAD_USER_INPUT naming both.
 */
export function mergeReplacedArgument<T>(
  deprecatedValue: T | null | undefined,
  newValue: T | null | undefined,
  names: { deprecated: string; replacement: string },
  same: (a: T, b: T) => boolean = (a, b) => a === b,
): T | null | undefined {
  if (deprecatedValue == null) return newValue;
  if (newValue == null) return deprecatedValue;
  if (!same(deprecatedValue, newValue)) {
    throw new ValidationError(
      `${names.deprecated} (deprecated) and ${names.replacement} disagree: give only ${names.replacement}.`,
      names.deprecated,
    );
  }
  return newValue;
}

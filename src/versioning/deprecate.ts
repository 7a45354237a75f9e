import { parseDay } from './dates.js';

/**
 * A deprecation as data. Declared once, beside the element in the Pothos code, with `deprecated()`;
 * read back by the registry (registry.ts), the usage plugin, `apiInfo` and the schema check.
 */
export interface DeprecationSpec {
  /** Why the element is deprecated, one sentence ending with a full stop. */
  reason: string;
  /** What clients use instead, e.g. "`firstName` and `lastName`". */
  replacement: string;
  /** The day it was deprecated, `YYYY-MM-DD`. */
  deprecatedOn: string;
  /** The first day it may be removed, `YYYY-MM-DD`: from 00:00 UTC that day the sunset policy applies. */
  sunset: string;
  /** How a client moves to the replacement. */
  migration: string;
}

/** The key under which a deprecation travels in a GraphQL element's `extensions`. */
export const DEPRECATION_EXTENSION = 'deprecation';

/** Options to spread into a Pothos field, argument, input field or enum value. */
export interface DeprecatedOptions {
  deprecationReason: string;
  extensions: { [DEPRECATION_EXTENSION]: DeprecationSpec };
}

/** The `@deprecated(reason:)` text: the reason, the replacement and the sunset day. */
export function deprecationReason(spec: DeprecationSpec): string {
  return `${spec.reason} Use ${spec.replacement} instead. Sunset: ${spec.sunset}.`;
}

const SUNSET_IN_REASON = /\bSunset: (\d{4}-\d{2}-\d{2})\b/;

/** The sunset day written in a `@deprecated` reason by `deprecationReason`, or null. */
export function sunsetFromReason(reason: string | null | undefined): string | null {
  const day = reason ? SUNSET_IN_REASON.exec(reason)?.[1] : undefined;
  return day && parseDay(day) ? day : null;
}

/**
 * The one way to deprecate a field, argument, input field or enum value:
 *
 *   name: t.string({ ...deprecated({ reason, replacement, deprecatedOn, sunset, migration }), resolve }),
 *
 * sets the standard `@deprecated(reason:)` (naming the replacement and the sunset) and carries the
 * whole deprecation in the element's extensions, where the registry finds it by its coordinate.
 * A malformed deprecation stops the schema from building.
 */
export function deprecated(spec: DeprecationSpec): DeprecatedOptions {
  const deprecatedOn = parseDay(spec.deprecatedOn);
  const sunset = parseDay(spec.sunset);
  if (!deprecatedOn || !sunset) {
    throw new Error(
      `deprecated(): deprecatedOn and sunset must be YYYY-MM-DD days (got ${spec.deprecatedOn}, ${spec.sunset})`,
    );
  }
  if (sunset <= deprecatedOn)
    throw new Error(`deprecated(): sunset ${spec.sunset} must come after ${spec.deprecatedOn}`);
  for (const key of ['reason', 'replacement', 'migration'] as const) {
    if (!spec[key].trim()) throw new Error(`deprecated(): ${key} must not be empty`);
  }
  return {
    deprecationReason: deprecationReason(spec),
    extensions: { [DEPRECATION_EXTENSION]: Object.freeze({ ...spec }) },
  };
}

/** Reads a deprecation back from an element's extensions. */
export function deprecationOf(
  extensions: Readonly<Record<string, unknown>> | null | undefined,
): DeprecationSpec | null {
  const value = extensions?.[DEPRECATION_EXTENSION];
  if (typeof value !== 'object' || value === null) return null;
  const spec = value as Record<string, unknown>;
  const keys = ['reason', 'replacement', 'deprecatedOn', 'sunset', 'migration'] as const;
  return keys.every((k) => typeof spec[k] === 'string') ? (value as DeprecationSpec) : null;
}

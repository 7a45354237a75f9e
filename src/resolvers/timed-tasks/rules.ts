import { ValidationError } from '../../errors.js';
import { checkDate, checkInterval } from '../shared.js';

/** Rules shared by lectures and study sessions (both are time windows on the agenda). */
export const TITLE_MAX = 200;
export const MAX_DURATION_HOURS = 24;

export interface Span {
  startsAt: Date;
  endsAt: Date;
}

/**
 * Checks a span: both ends within the accepted date range, the end after the start, at most
 * 24 hours long. `blame` names the field an error is reported on when the span is wrong as a
 * whole: on an update that changes only one end, that end.
 */
export function checkSpan(span: Span, blame: 'startsAt' | 'endsAt' = 'endsAt'): Span {
  checkDate(span.startsAt, 'startsAt');
  checkDate(span.endsAt, 'endsAt');
  if (blame === 'endsAt') checkInterval(span.startsAt, span.endsAt);
  else if (span.endsAt <= span.startsAt) throw new ValidationError('startsAt must be before endsAt.', 'startsAt');
  if (span.endsAt.getTime() - span.startsAt.getTime() > MAX_DURATION_HOURS * 3_600_000) {
    const message =
      blame === 'endsAt'
        ? `endsAt must be at most ${MAX_DURATION_HOURS} hours after startsAt.`
        : `startsAt must be at most ${MAX_DURATION_HOURS} hours before endsAt.`;
    throw new ValidationError(message, blame);
  }
  return span;
}

/**
 * The span after an update: each end the input gives replaces the stored one. Checked against
 * the stored values when only one end changes; undefined when neither does.
 */
export function updatedSpan(stored: Span, input: { startsAt?: Date | null; endsAt?: Date | null }): Span | undefined {
  const startsAt = notNull(input.startsAt, 'startsAt');
  const endsAt = notNull(input.endsAt, 'endsAt');
  if (!startsAt && !endsAt) return undefined;
  return checkSpan(
    { startsAt: startsAt ?? stored.startsAt, endsAt: endsAt ?? stored.endsAt },
    startsAt && !endsAt ? 'startsAt' : 'endsAt',
  );
}

/** Rejects null for a field an update may leave out but not clear. */
export function notNull<T>(value: T | null | undefined, field: string): T | undefined {
  if (value === null) throw new ValidationError(`${field} cannot be null; leave it out to keep it.`, field);
  return value;
}

/** An update must change something: BAD_USER_INPUT when every field but the id is left out. */
export function requireChange(input: { id: string }): void {
  if (Object.entries(input).every(([field, value]) => field === 'id' || value === undefined)) {
    throw new ValidationError('Give at least one field to change.');
  }
}

import { ValidationError } from '../../errors.js';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
export const NAME_MAX = 100;

/** Emails are compared trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  const normalized = email.trim().toLowerCase();
  // The schema's EmailAddress scalar checks the shape; this guards direct callers.
  if (normalized.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(normalized)) {
    throw new ValidationError('email must be a valid email address.', 'email');
  }
  return normalized;
}

export function checkPassword(password: string): void {
  if (password.length < PASSWORD_MIN)
    throw new ValidationError(`password must be at least ${PASSWORD_MIN} characters.`, 'password');
  if (password.length > PASSWORD_MAX)
    throw new ValidationError(`password must be at most ${PASSWORD_MAX} characters.`, 'password');
}

export function checkTimezone(timezone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: timezone }).resolvedOptions().timeZone;
  } catch {
    throw new ValidationError('timezone must be an IANA time zone such as Europe/Berlin.', 'timezone');
  }
}

import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../../errors.js';

/** Why a refresh (or a session-bound request) was refused: `extensions.reason` beside code UNAUTHENTICATED. */
export type SessionFailure =
  'INVALID_REFRESH_TOKEN' | 'REFRESH_TOKEN_EXPIRED' | 'REFRESH_TOKEN_REUSED' | 'SESSION_REVOKED' | 'ACCOUNT_SUSPENDED';

/** Why a session was revoked (Session.revokedReason). */
export type RevokeReason =
  'SIGNED_OUT' | 'SIGNED_OUT_EVERYWHERE' | 'REVOKED' | 'REUSE_DETECTED' | 'PASSWORD_RESET' | 'PASSWORD_CHANGED';

/** A refused refresh: UNAUTHENTICATED, with `reason` saying which kind (the client signs in again either way). */
export class SessionError extends AppError {
  readonly code = 'UNAUTHENTICATED';
  constructor(reason: SessionFailure, message: string) {
    super(message, { reason });
  }
}

/** An opaque token: 32 random bytes, base64url (43 characters). */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored of an opaque token: its sha256, hex. A 256-bit random token needs no salt or slow hash. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** What the client says about itself at sign-in; each part optional, cut to a sane length. */
export interface DeviceInfo {
  name?: string | null;
  userAgent?: string | null;
  ip?: string | null;
}

export function deviceColumns(device: DeviceInfo): {
  deviceName: string | null;
  userAgent: string | null;
  ip: string | null;
} {
  const cut = (value: string | null | undefined, max: number) => value?.trim().slice(0, max) || null;
  return { deviceName: cut(device.name, 100), userAgent: cut(device.userAgent, 500), ip: cut(device.ip, 64) };
}

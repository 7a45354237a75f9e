import type { Context } from '../context.js';
import type { DeviceInfo } from '../resolvers/sessions/session-tokens.js';

/** The device of a sign-in or refresh: the name the client gave, its user agent and address. */
export function deviceOf(ctx: Context, name?: string | null): DeviceInfo {
  return { name: name ?? null, userAgent: ctx.userAgent, ip: ctx.clientIp };
}

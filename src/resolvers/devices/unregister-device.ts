import { NotFoundError, ValidationError } from '../../errors.js';
import { isUuid, requireViewer } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import { normalizeDeviceToken, type DevicePlatform, type DeviceSettings } from './device-token.js';
import { DEFAULT_DEVICE_SETTINGS } from './device-settings.js';

export interface UnregisterDeviceInput {
  /** The device's row id (from its global id). */
  id?: string | null;
  /** Or its push token, as registered. */
  token?: string | null;
}

/** The stored form of a token sent to unregister: as registerDevice normalized it, whatever the platform. */
function storedForms(token: string, settings: DeviceSettings): string[] {
  const forms = new Set([token.trim()]);
  for (const platform of ['IOS', 'ANDROID', 'WEB'] as DevicePlatform[]) {
    try {
      forms.add(normalizeDeviceToken(platform, token, settings));
    } catch {
      // not a token of that platform
    }
  }
  return [...forms];
}

/**
 * Removes one of the viewer's devices (hard delete: a push token is not kept), by id or by token:
 * no more pushes go to it. Another user's device, or one that is gone: NOT_FOUND.
 */
export async function unregisterDevice(
  ctx: DomainContext,
  input: UnregisterDeviceInput,
): Promise<{ deletedId: string }> {
  const viewer = requireViewer(ctx);
  if ((input.id == null) === (input.token == null)) {
    throw new ValidationError('Give exactly one of id and token.', input.id == null ? 'id' : 'token');
  }
  let rows: { id: string }[];
  if (input.id != null) {
    if (!isUuid(input.id)) throw new NotFoundError('Device');
    rows = await ctx.db.$queryRaw<{ id: string }[]>`
      DELETE FROM "Device" WHERE "id" = ${input.id}::uuid AND "userId" = ${viewer.id}::uuid RETURNING "id"`;
  } else {
    const forms = storedForms(input.token!, ctx.devices ?? DEFAULT_DEVICE_SETTINGS);
    rows = await ctx.db.$queryRaw<{ id: string }[]>`
      DELETE FROM "Device" WHERE "token" = ANY(${forms}::text[]) AND "userId" = ${viewer.id}::uuid RETURNING "id"`;
  }
  const row = rows[0];
  if (!row) throw new NotFoundError('Device');
  ctx.logger.info({ userId: viewer.id, deviceId: row.id }, 'device unregistered');
  return { deletedId: row.id };
}

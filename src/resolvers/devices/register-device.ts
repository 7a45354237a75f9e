import type { Device, Prisma } from '../../generated/prisma/client.js';
import { requireViewer } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { inTransaction, isUniqueViolation, optionalText } from '../shared.js';
import { normalizeDeviceToken, type DevicePlatform } from './device-token.js';
import { DEFAULT_DEVICE_SETTINGS, MAX_DEVICES } from './device-settings.js';

export interface RegisterDeviceInput {
  platform: DevicePlatform;
  token: string;
  appVersion?: string | null;
}

/**
 * Registers the viewer's device for push, idempotent per token: a token already registered (by
 * anyone) becomes the viewer's, with this platform and app version and lastSeenAt now. At most
 * MAX_DEVICES per user: registering one more removes the one seen longest ago (hard delete, as
 * every device removal).
 */
export async function registerDevice(
  ctx: DomainContext,
  input: RegisterDeviceInput,
  query?: Selection<Prisma.DeviceFindUniqueArgs>,
): Promise<Device> {
  const viewer = requireViewer(ctx);
  const token = normalizeDeviceToken(input.platform, input.token, ctx.devices ?? DEFAULT_DEVICE_SETTINGS);
  const appVersion = optionalText(input.appVersion, 'appVersion', 50) ?? null;
  const now = ctx.now();
  const fields = { userId: viewer.id, platform: input.platform, appVersion, lastSeenAt: now };
  const write = () =>
    inTransaction(ctx, async (tx) => {
      const device = await tx.device.upsert({
        ...query,
        where: { token },
        create: { ...fields, token },
        update: fields,
      });
      // Past the cap: the devices seen longest ago go (never the one just registered).
      await tx.$executeRaw`
        DELETE FROM "Device" WHERE "id" IN (
          SELECT "id" FROM "Device" WHERE "userId" = ${viewer.id}::uuid AND "token" <> ${token}
          ORDER BY "lastSeenAt" DESC, "id" DESC OFFSET ${MAX_DEVICES - 1})`;
      return device;
    });
  try {
    return await write();
  } catch (err) {
    // Two registrations of one new token at once: the loser finds the winner's row and updates it.
    if (isUniqueViolation(err)) return write();
    throw err;
  }
}

import type { DomainContext } from '../domain-context.js';
import type { DbOrTx } from '../../db/client.js';
import { NotFoundError } from '../../errors.js';
import { DEFAULT_LEAD_MINUTES } from './issue-notifications.js';
import { requireViewer } from '../access.js';

/** A user's notification settings (the defaults where they never changed any). */
export interface NotificationPreferences {
  emailEnabled: boolean;
  pushEnabled: boolean;
  inAppEnabled: boolean;
  reminderLeadMinutes: number;
  /** Minutes after local midnight; both null: no quiet hours. */
  quietHoursStart: number | null;
  quietHoursEnd: number | null;
  dailyDigestEnabled: boolean;
  /** The user's time zone, in which quiet hours and the digest are read. */
  timezone: string;
}

export const DEFAULT_PREFERENCES = {
  emailEnabled: true,
  pushEnabled: true,
  inAppEnabled: true,
  reminderLeadMinutes: DEFAULT_LEAD_MINUTES,
  quietHoursStart: null,
  quietHoursEnd: null,
  dailyDigestEnabled: false,
} as const;

/** The signed-in user's notification settings. */
export async function getNotificationPreferences(
  ctx: DomainContext,
  _input: Record<string, never> = {},
): Promise<NotificationPreferences> {
  return readPreferences(ctx.db, requireViewer(ctx).id);
}

/** One user's settings, read in `db` (a transaction after an update). */
export async function readPreferences(db: DbOrTx, userId: string): Promise<NotificationPreferences> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: {
      timezone: true,
      notificationPreference: {
        select: {
          emailEnabled: true,
          pushEnabled: true,
          inAppEnabled: true,
          reminderLeadMinutes: true,
          quietHoursStart: true,
          quietHoursEnd: true,
          dailyDigestEnabled: true,
        },
      },
    },
  });
  if (!user) throw new NotFoundError('User');
  return { ...DEFAULT_PREFERENCES, ...user.notificationPreference, timezone: user.timezone };
}

import type { DomainContext } from '../domain-context.js';
import { ValidationError } from '../../errors.js';
import { recordEvent } from '../../events/outbox.js';
import { MAX_LEAD_MINUTES } from './issue-notifications.js';
import { parseClock } from './notification-time.js';
import { requireViewer } from '../access.js';
import { inTransaction } from '../shared.js';
import { readPreferences, type NotificationPreferences } from './get-notification-preferences.js';

/** Reminder lead time bounds: 5 minutes to 7 days. */
export const MIN_LEAD_MINUTES = 5;
export { MAX_LEAD_MINUTES };

export interface UpdateNotificationPreferencesInput {
  emailEnabled?: boolean | null;
  pushEnabled?: boolean | null;
  inAppEnabled?: boolean | null;
  reminderLeadMinutes?: number | null;
  /** "HH:MM" wall-clock times in the user's time zone; null clears quiet hours. */
  quietHours?: { start: string; end: string } | null;
  dailyDigestEnabled?: boolean | null;
}

type Changes = Partial<Omit<NotificationPreferences, 'timezone'>>;

function validate(input: UpdateNotificationPreferencesInput): Changes {
  const changes: Changes = {};
  for (const field of ['emailEnabled', 'pushEnabled', 'inAppEnabled', 'dailyDigestEnabled'] as const) {
    const value = input[field];
    if (value === null) throw new ValidationError(`${field} cannot be null.`, field);
    if (value !== undefined) changes[field] = value;
  }
  const lead = input.reminderLeadMinutes;
  if (lead === null) throw new ValidationError('reminderLeadMinutes cannot be null.', 'reminderLeadMinutes');
  if (lead !== undefined) {
    if (!Number.isInteger(lead) || lead < MIN_LEAD_MINUTES || lead > MAX_LEAD_MINUTES) {
      throw new ValidationError(
        `reminderLeadMinutes must be a whole number from ${MIN_LEAD_MINUTES} (5 minutes) to ${MAX_LEAD_MINUTES} (7 days).`,
        'reminderLeadMinutes',
      );
    }
    changes.reminderLeadMinutes = lead;
  }
  if (input.quietHours === null) {
    changes.quietHoursStart = null;
    changes.quietHoursEnd = null;
  } else if (input.quietHours !== undefined) {
    const start = parseClock(input.quietHours.start);
    const end = parseClock(input.quietHours.end);
    if (start === null)
      throw new ValidationError('quietHours.start must be a time HH:MM, 00:00 to 23:59.', 'quietHours.start');
    if (end === null)
      throw new ValidationError('quietHours.end must be a time HH:MM, 00:00 to 23:59.', 'quietHours.end');
    if (start === end) throw new ValidationError('quietHours.end must differ from quietHours.start.', 'quietHours.end');
    changes.quietHoursStart = start;
    changes.quietHoursEnd = end;
  }
  if (Object.keys(changes).length === 0) throw new ValidationError('Give at least one setting to change.');
  return changes;
}

/**
 * Changes the signed-in user's notification settings (all checked before anything is written:
 * an invalid value is BAD_USER_INPUT and changes nothing). A new lead time applies to every
 * reminder not yet sent: pending reminders follow from the tasks and the lead (src/jobs/reminders.ts).
 * Records `notificationPreferences.updated`.
 */
export async function updateNotificationPreferences(
  ctx: DomainContext,
  input: UpdateNotificationPreferencesInput,
): Promise<NotificationPreferences> {
  const viewer = requireViewer(ctx);
  const changes = validate(input);
  return inTransaction(ctx, async (tx) => {
    await tx.notificationPreference.upsert({
      where: { userId: viewer.id },
      create: { userId: viewer.id, ...changes },
      update: changes,
    });
    await recordEvent(tx, {
      type: 'notificationPreferences.updated',
      payload: { userId: viewer.id, changed: Object.keys(changes) },
      userId: viewer.id,
      aggregateId: viewer.id,
    });
    return readPreferences(tx, viewer.id);
  });
}

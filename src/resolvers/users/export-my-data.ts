import { withDeleted } from '../../db/soft-delete.js';
import { requireViewer } from '../access.js';
import type { DomainContext } from '../domain-context.js';

/** The version of the export's layout: a new member is added, none is renamed or removed. */
export const DATA_EXPORT_FORMAT = 'study-planner-export/1';

export interface DataExport {
  format: typeof DATA_EXPORT_FORMAT;
  generatedAt: Date;
  /** Everything stored about the account, by table, as read (the JSON scalar writes dates as ISO text). */
  data: Record<string, unknown>;
}

/**
 * Everything stored about the viewer, for a data-access request (GDPR art. 15 and 20), beside
 * deleteAccount: the account (without its password hash), its notification settings, courses,
 * tasks, notifications, reminders, digests, billing events, the operators' audit entries about
 * it, its sessions (devices) and password-reset links (without token hashes), the days it was active, its Apple/Google identities and its push devices (with their tokens). Rows deleted but not yet purged are included (their deletedAt
 * says so): they are still stored. Read in one transaction, so the parts agree with each other.
 */
export async function exportMyData(ctx: DomainContext, _input: Record<string, never> = {}): Promise<DataExport> {
  const viewer = requireViewer(ctx);
  // A fresh clause per read: the soft-delete extension takes withDeleted's mark off the one it is given.
  const own = () => ({ where: withDeleted({ userId: viewer.id }), orderBy: { id: 'asc' as const } });
  const data = await ctx.db.$transaction(
    async (tx) => {
      const [account, notificationPreference, courses, assignments, lectures, studySessions] = await Promise.all([
        tx.user.findFirst({
          where: withDeleted({ id: viewer.id }),
          omit: { passwordHash: true, calendarFeedTokenHash: true },
        }),
        tx.notificationPreference.findFirst({ where: withDeleted({ userId: viewer.id }) }),
        tx.course.findMany(own()),
        tx.assignment.findMany(own()),
        tx.lecture.findMany(own()),
        tx.studySession.findMany(own()),
      ]);
      const [sessions, passwordResets] = await Promise.all([
        // Signed-in devices and reset links, without the hashes of their tokens.
        tx.session.findMany({ ...own(), omit: { tokenHash: true } }),
        tx.passwordResetToken.findMany({ ...own(), omit: { tokenHash: true } }),
      ]);
      const [lectureSeries, notifications, reminders, digests, billingEvents, auditLog, activeDays, identities] =
        await Promise.all([
          tx.lectureSeries.findMany(own()),
          tx.notification.findMany(own()),
          tx.reminder.findMany(own()),
          tx.digest.findMany(own()),
          tx.webhookEvent.findMany(own()),
          tx.auditLog.findMany({ where: withDeleted({ targetId: viewer.id }), orderBy: { id: 'asc' } }),
          // A fact table without soft delete: read as it is.
          tx.$queryRaw<
            { day: Date }[]
          >`SELECT "day" FROM "UserActivityDay" WHERE "userId" = ${viewer.id}::uuid ORDER BY "day"`,
          tx.userIdentity.findMany(own()),
        ]);
      const devices = await tx.device.findMany(own());
      return {
        account,
        notificationPreference,
        courses,
        assignments,
        lectures,
        lectureSeries,
        studySessions,
        notifications,
        reminders,
        digests,
        billingEvents,
        auditLog,
        sessions,
        passwordResets,
        activeDays: activeDays.map((d) => d.day.toISOString().slice(0, 10)),
        identities,
        pushDevices: devices,
      };
    },
    { isolationLevel: 'RepeatableRead' },
  );
  ctx.logger.info({ userId: viewer.id }, 'data exported');
  return { format: DATA_EXPORT_FORMAT, generatedAt: ctx.now(), data };
}

import { Prisma } from '../generated/prisma/client.js';
import type { Job } from './runner.js';

const BATCH = 1000;

/**
 * Children first, so no foreign key (all ON DELETE RESTRICT) ever blocks: each table with the
 * tables whose rows point at it. A row is purged only when nothing still points at it.
 */
const TABLES: { table: string; referencedBy: { table: string; column: string }[] }[] = [
  { table: 'StudySession', referencedBy: [] },
  { table: 'Notification', referencedBy: [] },
  { table: 'NotificationPreference', referencedBy: [] },
  { table: 'UserIdentity', referencedBy: [] },
  { table: 'Assignment', referencedBy: [{ table: 'StudySession', column: 'assignmentId' }] },
  { table: 'Lecture', referencedBy: [] },
  { table: 'LectureSeries', referencedBy: [{ table: 'Lecture', column: 'seriesId' }] },
  {
    table: 'Course',
    referencedBy: [
      { table: 'Assignment', column: 'courseId' },
      { table: 'Lecture', column: 'courseId' },
      { table: 'LectureSeries', column: 'courseId' },
      { table: 'StudySession', column: 'courseId' },
    ],
  },
  {
    table: 'User',
    referencedBy: [
      'Course',
      'Assignment',
      'Lecture',
      'LectureSeries',
      'StudySession',
      'Notification',
      'NotificationPreference',
      'Reminder',
      'Digest',
      'Session',
      'PasswordResetToken',
      'EmailVerificationToken',
      'UserIdentity',
      'Device',
    ].map((table) => ({ table, column: 'userId' })),
  },
];

/**
 * Records that stop mattering with age, never soft-deleted: a reminder of a task that started
 * before the cutoff (reminders are only ever issued for tasks still ahead), a digest of a day
 * before it, a job run older than it, a session, a reset link or an email verification token that expired before it.
 * They go first: a user's row is purged only once nothing
 * points at it.
 */
const AGED: { table: string; column: string }[] = [
  { table: 'Reminder', column: 'taskAt' },
  { table: 'Digest', column: 'createdAt' },
  { table: 'JobRun', column: 'startedAt' },
  // A session expired (or a refresh token exchanged) that long ago can do nothing any more.
  { table: 'Session', column: 'expiresAt' },
  { table: 'PasswordResetToken', column: 'expiresAt' },
  // Verification tokens stop working when they expire (used ones too: usedAt is within their life).
  { table: 'EmailVerificationToken', column: 'expiresAt' },
];

/**
 * The only hard delete of domain rows: rows soft-deleted more than `retentionDays` ago (so a
 * restore is possible until then), at most BATCH per table per run; and the aged records above.
 */
export function purgeDeletedJob(options: { retentionDays: number }): Job {
  return {
    name: 'purge-deleted',
    schedule: '17 * * * *',
    async run(tx, now) {
      const cutoff = new Date(now.getTime() - options.retentionDays * 86_400_000);
      const purged: Record<string, number> = {};
      for (const { table, column } of AGED) {
        purged[table] = await tx.$executeRaw`
          DELETE FROM ${Prisma.raw(`"${table}"`)} WHERE "id" IN (
            SELECT "id" FROM ${Prisma.raw(`"${table}"`)} WHERE ${Prisma.raw(`"${column}"`)} < ${cutoff} LIMIT ${BATCH})`;
      }
      for (const { table, referencedBy } of TABLES) {
        const unreferenced = referencedBy.map(
          (r) =>
            Prisma.sql`AND NOT EXISTS (SELECT 1 FROM ${Prisma.raw(`"${r.table}"`)} c WHERE c.${Prisma.raw(`"${r.column}"`)} = t."id")`,
        );
        purged[table] = await tx.$executeRaw`
          DELETE FROM ${Prisma.raw(`"${table}"`)} WHERE "id" IN (
            SELECT t."id" FROM ${Prisma.raw(`"${table}"`)} t
            WHERE t."deletedAt" < ${cutoff} ${unreferenced.length ? Prisma.join(unreferenced, ' ') : Prisma.empty}
            LIMIT ${BATCH})`;
      }
      return { rowsTouched: Object.values(purged).reduce((a, b) => a + b, 0), purged };
    },
  };
}

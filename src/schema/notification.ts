import DataLoader from 'dataloader';
import type { Context } from '../context.js';
import { sqlForm } from '../db/sql.js';
import { countUnreadNotifications } from '../resolvers/notifications/count-unread-notifications.js';
import { deleteNotification } from '../resolvers/notifications/delete-notification.js';
import { getNotificationPreferences } from '../resolvers/notifications/get-notification-preferences.js';
import type { NotificationPreferences } from '../resolvers/notifications/get-notification-preferences.js';
import { getNotification } from '../resolvers/notifications/get-notification.js';
import {
  countNotifications,
  listNotifications,
  notificationsSqlForm,
  unreadCountSqlForm,
} from '../resolvers/notifications/list-notifications.js';
import {
  loadNotificationSubjects,
  subjectSqlForm,
  type NotificationSubject,
  type SubjectKey,
} from '../resolvers/notifications/load-notification-subjects.js';
import { markAllNotificationsRead } from '../resolvers/notifications/mark-all-notifications-read.js';
import { markNotificationsRead } from '../resolvers/notifications/mark-notifications-read.js';
import { subscribeNotifications } from '../resolvers/notifications/subscribe-notifications.js';
import {
  MAX_LEAD_MINUTES,
  MIN_LEAD_MINUTES,
  updateNotificationPreferences,
} from '../resolvers/notifications/update-notification-preferences.js';
import { nodeWhere } from '../resolvers/access.js';
import { deletionPayload } from './deletion.js';
import type { SubjectKind } from '../resolvers/notifications/issue-notifications.js';
import { formatClock } from '../resolvers/notifications/notification-time.js';
import { AssignmentType } from './assignment.js';
import { builder } from './builder.js';
import { CourseType } from './course.js';
import { LectureType } from './lecture.js';
import { StudySessionType } from './study-session.js';

export const NotificationChannel = builder.enumType('NotificationChannel', {
  description: 'Where a notification is delivered.',
  values: {
    IN_APP: { description: 'In the app: this list, and the `notifications` subscription.' },
    EMAIL: { description: "To the account's email address (after quiet hours)." },
    PUSH: { description: "To the user's devices (after quiet hours)." },
  },
});

/**
 * One subjects loader per request (the GraphQL context object is per request). It batches, it
 * does not cache: a subscription's context lives as long as the subscription, and a later event
 * must see the subject as it is then (the batch function de-duplicates ids itself).
 */
const subjectLoaders = new WeakMap<Context, DataLoader<SubjectKey, NotificationSubject | null, string>>();

function subjects(ctx: Context): DataLoader<SubjectKey, NotificationSubject | null, string> {
  let loader = subjectLoaders.get(ctx);
  if (!loader) {
    loader = new DataLoader((keys) => loadNotificationSubjects(ctx, keys), { cache: false });
    subjectLoaders.set(ctx, loader);
  }
  return loader;
}

const NotificationSubjectType = builder.unionType('NotificationSubject', {
  description: 'What a notification is about: a course, or a task of any kind.',
  types: [CourseType, AssignmentType, LectureType, StudySessionType],
  resolveType: (row) => {
    if ('name' in row) return CourseType;
    if ('dueAt' in row) return AssignmentType;
    if ('assignmentId' in row) return StudySessionType;
    return LectureType;
  },
});

/** The cursor of each notification a resumable `notifications(after:)` stream sends, by its row. */
const streamCursors = new WeakMap<object, string>();

export const NotificationType = builder.prismaNode('Notification', {
  description: 'Something the app told you: a reminder, a digest, or a change to your courses and tasks.',
  id: { field: 'id' },
  // node(id): your own notification; anyone else's, a missing or deleted one is null.
  findUnique: (id, ctx) => nodeWhere(ctx, 'Notification', id),
  nullable: true,
  fields: (t) => ({
    kind: t.exposeString('kind', {
      description: 'Machine-readable kind: "reminder", "digest", or the event, e.g. "assignment.updated".',
    }),
    title: t.exposeString('title', { description: 'One line to show.' }),
    body: t.exposeString('body', { description: 'The text; a digest has one line per task.' }),
    channels: t.field({
      type: [NotificationChannel],
      description: 'Every channel it went out (or will go out, after quiet hours) on.',
      extensions: sqlForm({ kind: 'computed', sql: (r) => `to_json(${r}."channels"::text[])`, usesNow: false }),
      resolve: (n) => n.channels,
    }),
    read: t.boolean({
      description: 'True once it was marked read.',
      extensions: sqlForm({ kind: 'computed', sql: (r) => `(${r}."readAt" IS NOT NULL)`, usesNow: false }),
      resolve: (n) => n.readAt !== null,
    }),
    readAt: t.expose('readAt', { type: 'DateTime', nullable: true, description: 'When it was marked read.' }),
    streamCursor: t.field({
      type: 'SyncCursor',
      nullable: true,
      description:
        'On a message of `notifications(after:)`: its position, to resume the stream from (docs/sync.md). Null everywhere else.',
      extensions: sqlForm({ kind: 'computed', sql: () => 'NULL::text', usesNow: false }),
      resolve: (n) => streamCursors.get(n) ?? null,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was written.' }),
    subject: t.field({
      type: NotificationSubjectType,
      nullable: true,
      description:
        'The course or task it is about; null for a digest, or when that row is deleted now. Loaded for a whole page at once.',
      extensions: sqlForm(subjectSqlForm),
      resolve: (n, _args, ctx) =>
        n.subjectKind && n.subjectId
          ? subjects(ctx).load({ kind: n.subjectKind as SubjectKind, id: n.subjectId })
          : null,
    }),
  }),
});

builder.prismaObjectField('User', 'notifications', (t) =>
  t.prismaConnection(
    {
      type: 'Notification',
      cursor: 'id',
      description: 'Your notifications, newest first. Only your own: on another user it is NOT_FOUND.',
      args: {
        unreadOnly: t.arg.boolean({ required: false, description: 'Only those not read yet.' }),
      },
      extensions: sqlForm(notificationsSqlForm),
      totalCount: (user, { unreadOnly }, ctx) => countNotifications(ctx, { userId: user.id, unreadOnly }),
      resolve: (query, user, { unreadOnly }, ctx) => listNotifications(ctx, { userId: user.id, unreadOnly }, query),
    },
    { description: 'A page of notifications.' },
    { description: 'One notification, with its cursor.' },
  ),
);

builder.prismaObjectField('User', 'unreadCount', (t) =>
  t.int({
    description: 'How many of your notifications are unread.',
    extensions: sqlForm(unreadCountSqlForm),
    resolve: (user, _args, ctx) => countUnreadNotifications(ctx, { userId: user.id }),
  }),
);

const QuietHours = builder.objectRef<{ start: number; end: number }>('QuietHours').implement({
  description: 'A daily span, in your time zone, when email and push wait (in-app notifications do not).',
  fields: (t) => ({
    start: t.string({ description: 'Local time "HH:MM" they begin.', resolve: (q) => formatClock(q.start) }),
    end: t.string({
      description: 'Local time "HH:MM" they end; earlier than start when they span midnight.',
      resolve: (q) => formatClock(q.end),
    }),
  }),
});

const NotificationPreferencesType = builder.objectRef<NotificationPreferences>('NotificationPreferences').implement({
  description: 'How and when the app notifies you.',
  fields: (t) => ({
    inAppEnabled: t.exposeBoolean('inAppEnabled', { description: 'Notifications in the app.' }),
    emailEnabled: t.exposeBoolean('emailEnabled', { description: 'Reminders and digests by email.' }),
    pushEnabled: t.exposeBoolean('pushEnabled', { description: 'Reminders and digests as push notifications.' }),
    reminderLeadMinutes: t.exposeInt('reminderLeadMinutes', {
      description: `How long before a due time or start a reminder comes, in minutes (${MIN_LEAD_MINUTES} to ${MAX_LEAD_MINUTES}).`,
    }),
    quietHours: t.field({
      type: QuietHours,
      nullable: true,
      description: 'When email and push wait; null: never.',
      resolve: (p) =>
        p.quietHoursStart !== null && p.quietHoursEnd !== null
          ? { start: p.quietHoursStart, end: p.quietHoursEnd }
          : null,
    }),
    dailyDigestEnabled: t.exposeBoolean('dailyDigestEnabled', {
      description: "A digest of tomorrow's tasks every day at 07:00 in your time zone.",
    }),
    timezone: t.expose('timezone', {
      type: 'TimeZone',
      description: 'Your time zone (updateProfile changes it), in which quiet hours and the digest are read.',
    }),
  }),
});

const QuietHoursInput = builder.inputType('QuietHoursInput', {
  description: 'Quiet hours in your time zone.',
  fields: (t) => ({
    start: t.string({ description: 'Local time "HH:MM" (00:00 to 23:59) they begin.' }),
    end: t.string({
      description: 'Local time "HH:MM" they end; earlier than start to span midnight; not equal to start.',
    }),
  }),
});

const UpdateNotificationPreferencesInput = builder.inputType('UpdateNotificationPreferencesInput', {
  description: 'Settings left out keep their value; give at least one. Any invalid value changes nothing.',
  fields: (t) => ({
    inAppEnabled: t.boolean({ required: false, description: 'Notifications in the app.' }),
    emailEnabled: t.boolean({ required: false, description: 'Reminders and digests by email.' }),
    pushEnabled: t.boolean({ required: false, description: 'Reminders and digests as push notifications.' }),
    reminderLeadMinutes: t.int({
      required: false,
      description: `Minutes before a task its reminder comes: ${MIN_LEAD_MINUTES} (5 minutes) to ${MAX_LEAD_MINUTES} (7 days). Reminders not sent yet move with it.`,
    }),
    quietHours: t.field({
      type: QuietHoursInput,
      required: false,
      description: 'When email and push wait; null clears them.',
    }),
    dailyDigestEnabled: t.boolean({ required: false, description: "The 07:00 digest of tomorrow's tasks." }),
  }),
});

const MarkAllNotificationsReadPayload = builder
  .objectRef<{ markedCount: number }>('MarkAllNotificationsReadPayload')
  .implement({
    description: 'What markAllNotificationsRead did.',
    fields: (t) => ({
      markedCount: t.exposeInt('markedCount', { description: 'How many unread notifications it marked read.' }),
    }),
  });

const DeleteNotificationPayload = deletionPayload('Notification', {
  type: 'What deleting the notification did.',
  deletedId: 'The global id of the deleted notification.',
  deletionId: 'The deletion that took it.',
});

const notificationId = { for: NotificationType, description: "The notification's global id." } as const;

builder.queryFields((t) => ({
  notificationPreferences: t.field({
    type: NotificationPreferencesType,
    description: 'How and when the app notifies you.',
    authScopes: { signedIn: true },
    resolve: (_root, _args, ctx) => getNotificationPreferences(ctx),
  }),
}));

builder.mutationFields((t) => ({
  markNotificationsRead: t.prismaField({
    type: ['Notification'],
    description:
      'Marks your notifications read (already read ones keep their time) and returns them. An id that is not one of your notifications is NOT_FOUND, and then nothing changes. At most 100 ids.',
    authScopes: { signedIn: true },
    args: { ids: t.arg.globalIDList({ ...notificationId, description: 'Global ids of your notifications.' }) },
    resolve: (query, _root, { ids }, ctx) => markNotificationsRead(ctx, { ids: ids.map((i) => i.id) }, query),
  }),
  markAllNotificationsRead: t.field({
    type: MarkAllNotificationsReadPayload,
    description: 'Marks every unread notification of yours read.',
    authScopes: { signedIn: true },
    resolve: async (_root, _args, ctx) => ({ markedCount: await markAllNotificationsRead(ctx) }),
  }),
  deleteNotification: t.field({
    type: DeleteNotificationPayload,
    description: 'Removes one of your notifications from the list (soft delete). Anyone else’s is NOT_FOUND.',
    authScopes: { signedIn: true },
    args: { id: t.arg.globalID(notificationId) },
    resolve: (_root, { id }, ctx) => deleteNotification(ctx, { id: id.id }),
  }),
  updateNotificationPreferences: t.field({
    type: NotificationPreferencesType,
    description:
      'Changes how and when the app notifies you. Invalid values (a lead time outside 5 minutes to 7 days, a time that is not HH:MM, equal quiet-hour bounds) are BAD_USER_INPUT and change nothing.',
    authScopes: { signedIn: true },
    args: { input: t.arg({ type: UpdateNotificationPreferencesInput, description: 'The settings to change.' }) },
    resolve: (_root, { input }, ctx) => updateNotificationPreferences(ctx, input),
  }),
}));

builder.subscriptionField('notifications', (t) =>
  t.field({
    type: NotificationType,
    nullable: true,
    description:
      'Your new notifications as they are written (reminders, digests, task changes); null for one deleted before it reached you. Same transports and authentication as `taskUpdates`.',
    authScopes: { signedIn: true },
    args: {
      after: t.arg({
        type: 'SyncCursor',
        required: false,
        description:
          'Resume (docs/sync.md): first every in-app notification written since this cursor (a `streamCursor` of an earlier message, or a `changes` cursor), then the new ones, each with its `streamCursor`. Left out: live only.',
      }),
    },
    subscribe: (_root, args, ctx) => subscribeNotifications(ctx, { after: args.after ?? null }),
    resolve: async (message, _args, ctx) => {
      const row = await getNotification(ctx, { id: message.notificationId });
      if (row && message.cursor) streamCursors.set(row, message.cursor);
      return row;
    },
  }),
);

/**
 * The event catalog: every domain event is a past-tense fact with a versioned payload.
 * Payloads carry ids, not copies of rows; handlers reload the current state.
 * A new payload shape is a new version (e.g. `UserCreatedV2`), never an edit of an old one.
 */

export interface UserCreatedV1 {
  userId: string;
}
export interface UserUpdatedV1 {
  userId: string;
  /** Names of the profile fields that changed. */
  changed: string[];
}
export interface UserDeletedV1 {
  userId: string;
}
/**
 * A verification link for `email` was asked for: changeEmail (the new, pending address) or
 * resendVerificationEmail. Sign-up needs none: user.created sends the first link.
 */
export interface UserEmailVerificationRequestedV1 {
  userId: string;
  /** The normalized address the link must prove. */
  email: string;
}
export interface UserOnboardedV1 {
  userId: string;
}
/** requestPasswordReset for a live account: the handler makes the link (its token is never stored in clear) and mails it. */
export interface PasswordResetRequestedV1 {
  userId: string;
  /** The address that asked, kept with the link. */
  requestedIp: string | null;
}
/** The password was set by resetPassword (`reset`) or changePassword (`change`): the owner is told by mail. */
export interface PasswordChangedV1 {
  userId: string;
  via: 'reset' | 'change';
}

export interface CourseChangedV1 {
  userId: string;
  courseId: string;
}
/** A course deletion and the soft cascade it made (one deletionId for all rows). */
export interface CourseDeletedV1 {
  userId: string;
  courseId: string;
  deletionId: string;
  assignments: number;
  lectures: number;
  studySessions: number;
}

/**
 * A lecture series created, edited as a whole, deleted or restored: one event for the series (not
 * one per occurrence), with how many occurrences the change created, changed and deleted (or
 * brought back). `deletionId` for a deletion and its restore.
 */
export interface LectureSeriesChangedV1 {
  userId: string;
  courseId: string;
  seriesId: string;
  created: number;
  updated: number;
  deleted: number;
  restored: number;
  deletionId?: string;
}

/** A change of an account's subscription (tier, expiry or renewal), from a webhook or the expiry job. */
export interface SubscriptionChangedV1 {
  userId: string;
  tier: 'FREE' | 'PREMIUM';
  previousTier: 'FREE' | 'PREMIUM';
  /** ISO time the subscription ends (or ended); null on FREE. */
  expiresAt: string | null;
  /** The RevenueCat event type (e.g. "RENEWAL", "CANCELLATION") or "EXPIRY_JOB". */
  cause: string;
  /** Whether the subscription renews at its expiry (false after a CANCELLATION, a non-renewing purchase or a TRANSFER). */
  willRenew: boolean;
  /** Present and true when PREMIUM is for life (a non-renewing product with no configured duration). */
  lifetime?: boolean;
}
/** The store could not charge the account's subscription (RevenueCat BILLING_ISSUE). */
export interface SubscriptionBillingIssueV1 {
  userId: string;
  /** The WebhookEvent row that reported it. */
  webhookEventId: string;
  /** ISO end of the grace period, when the store gives one. */
  gracePeriodEndsAt: string | null;
}
/** A notification's in-app row was written (reminders, digests, task changes). */
export interface NotificationCreatedV1 {
  userId: string;
  notificationId: string;
}
export interface NotificationPreferencesUpdatedV1 {
  userId: string;
  /** Names of the settings that changed. */
  changed: string[];
}

export type TaskKind = 'ASSIGNMENT' | 'LECTURE' | 'STUDY_SESSION';

/** Any change to one task (assignment, lecture or study session). */
export interface TaskChangedV1 {
  userId: string;
  courseId: string;
  taskId: string;
  kind: TaskKind;
  /** Set when the change removed or brought back rows together (a deletion and its cascade). */
  deletionId?: string;
}

/** An app version published (or added) trusted documents, or was retired. */
export interface AppVersionChangedV1 {
  appVersionId: string;
  client: string;
  version: string;
  /** Ids of the documents the change concerns (for `published`, the ones added). */
  documentIds: string[];
}

/**
 * How one event type is declared: its current payload version and whether it is about one task.
 * `P` is the payload type; it exists only for the compiler.
 */
export interface EventSpec<P, Task extends boolean = boolean> {
  version: number;
  /** Task events share TaskChangedV1 and reach the owner's live task updates. */
  task: Task;
  /** Phantom: never set at run time. */
  readonly payload?: P;
}

const v1 = <P>(): EventSpec<P, false> => ({ version: 1, task: false });
const taskV1 = (): EventSpec<TaskChangedV1, true> => ({ version: 1, task: true });

/** The one list of event types: names, payload types, versions and which are task events derive from it. */
export const EVENT_CATALOG = {
  'user.created': v1<UserCreatedV1>(),
  'user.updated': v1<UserUpdatedV1>(),
  'user.onboarded': v1<UserOnboardedV1>(),
  'user.deleted': v1<UserDeletedV1>(),
  'user.password_reset_requested': v1<PasswordResetRequestedV1>(),
  'user.password_changed': v1<PasswordChangedV1>(),
  'user.emailVerificationRequested': v1<UserEmailVerificationRequestedV1>(),

  'subscription.changed': v1<SubscriptionChangedV1>(),
  'subscription.billing_issue': v1<SubscriptionBillingIssueV1>(),

  'course.created': v1<CourseChangedV1>(),
  'course.updated': v1<CourseChangedV1>(),
  'course.deleted': v1<CourseDeletedV1>(),
  'course.restored': v1<CourseDeletedV1>(),

  'assignment.created': taskV1(),
  'assignment.updated': taskV1(),
  'assignment.completed': taskV1(),
  'assignment.reopened': taskV1(),
  'assignment.deleted': taskV1(),
  'assignment.restored': taskV1(),

  'lecture.created': taskV1(),
  'lecture.updated': taskV1(),
  'lecture.deleted': taskV1(),
  'lecture.restored': taskV1(),

  'lectureSeries.created': v1<LectureSeriesChangedV1>(),
  'lectureSeries.updated': v1<LectureSeriesChangedV1>(),
  'lectureSeries.deleted': v1<LectureSeriesChangedV1>(),
  'lectureSeries.restored': v1<LectureSeriesChangedV1>(),

  'studySession.created': taskV1(),
  'studySession.updated': taskV1(),
  'studySession.deleted': taskV1(),
  'studySession.restored': taskV1(),

  'appVersion.published': v1<AppVersionChangedV1>(),
  'appVersion.retired': v1<AppVersionChangedV1>(),
  'notification.created': v1<NotificationCreatedV1>(),
  'notificationPreferences.updated': v1<NotificationPreferencesUpdatedV1>(),
} as const;

type Catalog = typeof EVENT_CATALOG;
export type EventType = keyof Catalog;
export type EventPayload<T extends EventType> = Catalog[T] extends EventSpec<infer P> ? P : never;

/** The current payload version of each event type, written with every event. */
export const EVENT_VERSIONS = Object.fromEntries(
  Object.entries(EVENT_CATALOG).map(([type, spec]) => [type, spec.version]),
) as Record<EventType, number>;

/** Event types whose payload is TaskChangedV1. */
export type TaskEventType = { [T in EventType]: Catalog[T] extends { task: true } ? T : never }[EventType];

/** Every event about one task (payload TaskChangedV1). */
export const TASK_EVENT_TYPES = (Object.keys(EVENT_CATALOG) as EventType[]).filter(
  (type): type is TaskEventType => EVENT_CATALOG[type].task,
);

/** An event as handlers receive it, read back from the outbox; `payload` is typed by `type`. */
export type DomainEvent<T extends EventType = EventType> = {
  [K in T]: {
    id: string;
    type: K;
    version: number;
    userId: string | null;
    aggregateId: string | null;
    payload: EventPayload<K>;
    occurredAt: Date;
  };
}[T];

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
export interface UserOnboardedV1 {
  userId: string;
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

type V1<P> = { version: 1; payload: P };

export interface EventCatalog {
  'user.created': V1<UserCreatedV1>;
  'user.updated': V1<UserUpdatedV1>;
  'user.onboarded': V1<UserOnboardedV1>;
  'user.deleted': V1<UserDeletedV1>;

  'course.created': V1<CourseChangedV1>;
  'course.updated': V1<CourseChangedV1>;
  'course.deleted': V1<CourseDeletedV1>;
  'course.restored': V1<CourseDeletedV1>;

  'assignment.created': V1<TaskChangedV1>;
  'assignment.updated': V1<TaskChangedV1>;
  'assignment.completed': V1<TaskChangedV1>;
  'assignment.reopened': V1<TaskChangedV1>;
  'assignment.deleted': V1<TaskChangedV1>;
  'assignment.restored': V1<TaskChangedV1>;

  'lecture.created': V1<TaskChangedV1>;
  'lecture.updated': V1<TaskChangedV1>;
  'lecture.deleted': V1<TaskChangedV1>;
  'lecture.restored': V1<TaskChangedV1>;

  'studySession.created': V1<TaskChangedV1>;
  'studySession.updated': V1<TaskChangedV1>;
  'studySession.deleted': V1<TaskChangedV1>;
  'studySession.restored': V1<TaskChangedV1>;

  'appVersion.published': V1<AppVersionChangedV1>;
  'appVersion.retired': V1<AppVersionChangedV1>;
}

export type EventType = keyof EventCatalog;

/** Every event about one task (payload TaskChangedV1). */
export const TASK_EVENT_TYPES = [
  'assignment.created',
  'assignment.updated',
  'assignment.completed',
  'assignment.reopened',
  'assignment.deleted',
  'assignment.restored',
  'lecture.created',
  'lecture.updated',
  'lecture.deleted',
  'lecture.restored',
  'studySession.created',
  'studySession.updated',
  'studySession.deleted',
  'studySession.restored',
] as const satisfies readonly EventType[];
export type EventPayload<T extends EventType> = EventCatalog[T]['payload'];

export const EVENT_VERSIONS: { [T in EventType]: EventCatalog[T]['version'] } = {
  'user.created': 1,
  'user.updated': 1,
  'user.onboarded': 1,
  'user.deleted': 1,
  'course.created': 1,
  'course.updated': 1,
  'course.deleted': 1,
  'course.restored': 1,
  'assignment.created': 1,
  'assignment.updated': 1,
  'assignment.completed': 1,
  'assignment.reopened': 1,
  'assignment.deleted': 1,
  'assignment.restored': 1,
  'lecture.created': 1,
  'lecture.updated': 1,
  'lecture.deleted': 1,
  'lecture.restored': 1,
  'studySession.created': 1,
  'studySession.updated': 1,
  'studySession.deleted': 1,
  'studySession.restored': 1,
  'appVersion.published': 1,
  'appVersion.retired': 1,
};

/** An event as handlers receive it, read back from the outbox. */
export interface DomainEvent<T extends EventType = EventType> {
  id: string;
  type: T;
  version: number;
  userId: string | null;
  aggregateId: string | null;
  payload: EventPayload<T>;
  occurredAt: Date;
}

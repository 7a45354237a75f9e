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

export interface EventCatalog {
  'user.created': { version: 1; payload: UserCreatedV1 };
  'user.updated': { version: 1; payload: UserUpdatedV1 };
  'user.onboarded': { version: 1; payload: UserOnboardedV1 };
  'user.deleted': { version: 1; payload: UserDeletedV1 };
}

export type EventType = keyof EventCatalog;
export type EventPayload<T extends EventType> = EventCatalog[T]['payload'];

export const EVENT_VERSIONS: { [T in EventType]: EventCatalog[T]['version'] } = {
  'user.created': 1,
  'user.updated': 1,
  'user.onboarded': 1,
  'user.deleted': 1,
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

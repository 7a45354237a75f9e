import type { TaskKind } from './types.js';

/** What subscribers of `taskUpdates` receive: ids and the change; the task is loaded per subscriber. */
export interface TaskUpdateMessage {
  eventId: string;
  /** The event type, e.g. "assignment.completed". */
  type: string;
  kind: TaskKind;
  taskId: string;
  courseId: string;
  userId: string;
  occurredAt: string;
  /** Its position in the change log: set on a stream resumed with `after` (docs/sync.md). */
  cursor?: string;
}

/** What subscribers of `notifications` receive: the id; the notification is loaded per subscriber. */
export interface NotificationMessage {
  eventId: string;
  notificationId: string;
  userId: string;
  occurredAt: string;
  /** Its position in the change log: set on a stream resumed with `after` (docs/sync.md). */
  cursor?: string;
}

/** Every live topic and the message it carries. A topic is always per user: a user hears only their own. */
export interface LiveTopics {
  taskUpdates: TaskUpdateMessage;
  notifications: NotificationMessage;
}

/**
 * The channel from event handlers to subscribers. The events and domain layers see only this
 * interface; the transport (in memory, or Redis across replicas) is an adapter the entry layer
 * builds (src/server/live-updates.ts).
 */
export interface LiveUpdates {
  publish<T extends keyof LiveTopics>(topic: T, userId: string, message: LiveTopics[T]): void;
  subscribe<T extends keyof LiveTopics>(topic: T, userId: string): AsyncIterable<LiveTopics[T]>;
  /**
   * Calls `listener` whenever publications may have been missed (the transport came back after an
   * outage): streams that read the change log read it again. Returns the unsubscribe. Absent: never.
   */
  onReconnect?(listener: () => void): () => void;
}

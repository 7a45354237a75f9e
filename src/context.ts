import type { TokenService } from './auth/tokens.js';
import type { ViewerLoader } from './auth/viewer-cache.js';
import type { Db } from './db/client.js';
import type { TaskPubSub } from './events/pubsub.js';
import type { Logger } from './observability/logger.js';
import type { Versioning } from './versioning/versioning.js';

/** The signed-in user, as loaded for this request. */
export interface Viewer {
  id: string;
  role: 'USER' | 'ADMIN';
}

/** What domain functions are given: no HTTP, no GraphQL. Tests build it directly. */
export interface DomainContext {
  db: Db;
  viewer: Viewer | null;
  now: () => Date;
  tokens: TokenService;
  /** Asks the event bus to dispatch; called after a transaction that wrote events commits. */
  events: { notify(): void };
  /** Where task updates are published and subscribed (in memory, or Redis across replicas). */
  pubsub: TaskPubSub;
  logger: Logger;
  /** The cache of signed-in accounts: forget a user whose account a mutation just changed. */
  viewers: Pick<ViewerLoader, 'forget'>;
}

/** The GraphQL context: the domain context plus what the transport knows. */
export interface Context extends DomainContext {
  requestId: string;
  client: { name: string | null; version: string | null };
  /** Deprecation policy, client version table and schema history (src/versioning). */
  versioning: Versioning;
}

import type { TokenService } from '../auth/tokens.js';
import type { Db } from '../db/client.js';
import type { LiveUpdates } from '../events/live.js';
import type { Logger } from '../observability/logger.js';
import type { IdTokenVerifier } from './users/id-token-verifier.js';
import type { DeviceSettings } from './devices/device-token.js';

/** The signed-in user, as loaded for this request. */
export interface Viewer {
  id: string;
  role: 'USER' | 'ADMIN';
  /** The Session row the access token was issued with (null or absent: a session-less token). */
  sessionId?: string | null;
  /** That session's family: the device's sign-in, across refreshes (`me.sessions { current }`). */
  sessionFamilyId?: string | null;
}

/**
 * What every domain function is given, and all it is given: no HTTP, no GraphQL. The server
 * builds it per request (src/server/context.ts); tests and jobs build it directly. The domain
 * layer owns this type: it imports nothing from the schema, the server or the entry points.
 */
export interface DomainContext {
  db: Db;
  viewer: Viewer | null;
  now: () => Date;
  /** Issues the tokens of a session (src/auth/tokens.ts). */
  tokens: Pick<TokenService, 'issueAccess' | 'issueLegacySession' | 'refreshTokenTtlSeconds'>;
  /** Asks the event bus to dispatch; called after a transaction that wrote events commits. */
  events: { notify(): void };
  /** Live task updates, one stream per user (in memory, or Redis across replicas). */
  live: LiveUpdates;
  logger: Logger;
  /** The cache of signed-in accounts: forget a user whose account a mutation just changed. */
  viewers: { forget(userId: string): void };
  /** The scheduled jobs (src/jobs), for admins: their names, and a run on demand. */
  jobs: JobControl;
  /** Apple and Google ID tokens (signInWithIdToken); left out: both providers are off. */
  idTokens?: IdTokenVerifier;
  /** What registerDevice accepts (Web Push endpoint hosts); left out: the defaults (docs/push.md). */
  devices?: DeviceSettings;
}

export interface JobControl {
  names(): string[];
  /** Runs a job now: its JobRun id; null when another replica holds its lock; undefined for an unknown name. */
  run(name: string): Promise<{ id: string } | null | undefined>;
}

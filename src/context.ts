import type { DomainContext } from './resolvers/domain-context.js';
import type { TrustedDocumentStore } from './versioning/document-store.js';
import type { Versioning } from './versioning/versioning.js';

/** The GraphQL context: the domain context plus what the transport knows. */
export interface Context extends DomainContext {
  requestId: string;
  /** The operation name the client sent (null: anonymous), for logs and the error log. */
  operationName: string | null;
  /** The client's address (X-Forwarded-For only with TRUST_PROXY); null in-process. Rate limits key on it. */
  clientIp: string | null;
  /** The client's User-Agent header (the upgrade request's over graphql-ws); null without one. Kept with a session. */
  userAgent: string | null;
  client: { name: string | null; version: string | null };
  /** Where links handed out (the calendar feed URL) start: PUBLIC_URL, or the origin the request came to (computed when asked). */
  publicOrigin: () => string | null;
  /** Deprecation policy, client version table and schema history (src/versioning). */
  versioning: Versioning;
  /** Published documents in memory: forget what this process publishes or retires. */
  trustedDocuments: Pick<TrustedDocumentStore, 'forget'>;
}

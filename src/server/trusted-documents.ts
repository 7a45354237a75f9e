import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import type { ViewerLoader } from '../auth/viewer-cache.js';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { TrustedDocumentStore, type StoredDocument } from '../versioning/document-store.js';

/** The graphql-client-name GraphiQL sends (set in createServer), which `exempt: graphiql` lets through. */
export const GRAPHIQL_CLIENT_NAME = 'graphiql';

export const TRUSTED_DOCUMENT_ERRORS = {
  notFound: 'PERSISTED_DOCUMENT_NOT_FOUND',
  required: 'TRUSTED_DOCUMENT_REQUIRED',
  idRequired: 'PERSISTED_DOCUMENT_ID_REQUIRED',
} as const;

/** What a request carries that decides whether it may run, from HTTP or from graphql-ws. */
export interface DocumentRequest {
  /** The document id sent, if any (`documentId`, or Apollo's `extensions.persistedQuery.sha256Hash`). */
  id: string | null;
  headers: { get(name: string): string | null };
}

export interface TrustedDocuments {
  mode: Config['trustedDocuments']['mode'];
  /** Published documents in memory, loaded from the database. */
  store: TrustedDocumentStore;
  /** Yoga plugin for HTTP (and SSE): Yoga's persisted-operations plugin over the store. */
  plugin: Plugin;
  /** The document of an id (null: not served under the policy). */
  documentFor(id: string): Promise<DocumentNode | null>;
  /** Whether a request may send query text instead of an id. */
  maySendText(request: DocumentRequest): Promise<boolean>;
}

/** The id in a request: GraphQL over HTTP's `documentId`, else Apollo's persisted-query extension. */
export function documentIdOf(
  params: { extensions?: unknown; documentId?: unknown } | GraphQLParams,
  url?: string,
): string | null {
  if ('documentId' in params && typeof params.documentId === 'string') return params.documentId;
  const pq = (params.extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | undefined)
    ?.persistedQuery;
  if (pq && pq.version === 1 && typeof pq.sha256Hash === 'string') return pq.sha256Hash;
  if (url) return new URL(url).searchParams.get('documentId');
  return null;
}

export function trustedDocumentError(code: keyof typeof TRUSTED_DOCUMENT_ERRORS, mode: string): GraphQLError {
  const messages = {
    notFound:
      mode === 'require'
        ? 'No active app version published this document id: publish the app version (npm run documents:publish) or update the app.'
        : 'No document is published under this id.',
    required:
      'This server runs only trusted documents (TRUSTED_DOCUMENTS=require): send the documentId of a published document, not its text.',
    idRequired: 'Send a query, or the documentId of a published document.',
  };
  return new GraphQLError(messages[code], { extensions: { code: TRUSTED_DOCUMENT_ERRORS[code] } });
}

/**
 * TRUSTED_DOCUMENTS (docs/trusted-documents.md):
 * - `off`: only query text; a document id is not looked up.
 * - `allow`: query text, or the id of any published document.
 * - `require`: only ids of documents an active app version published, with
 *   PERSISTED_DOCUMENT_NOT_FOUND for any other id and TRUSTED_DOCUMENT_REQUIRED for text, except
 *   from the exempt callers: an admin's token (`admin`), GraphiQL when it is enabled (`graphiql`).
 */
export function createTrustedDocuments(deps: {
  config: Config['trustedDocuments'];
  graphiql: boolean;
  db: Db;
  schema: GraphQLSchema;
  viewers: ViewerLoader;
  /** Called once per published document loaded (planned execution plans it here). */
  onLoad?: (stored: StoredDocument) => void;
}): TrustedDocuments {
  const { mode, exempt } = deps.config;
  const store = new TrustedDocumentStore({
    db: deps.db,
    schema: deps.schema,
    ttlMs: deps.config.cacheTtlMs,
    onLoad: deps.onLoad,
  });
  const documentFor = async (id: string) => {
    if (mode === 'off') return null;
    const stored = await store.get(id);
    if (!stored || (mode === 'require' && !stored.active)) return null;
    return stored.document;
  };
  const maySendText = async (request: DocumentRequest) => {
    if (mode !== 'require') return true;
    if (
      exempt.includes('graphiql') &&
      deps.graphiql &&
      request.headers.get('graphql-client-name') === GRAPHIQL_CLIENT_NAME
    )
      return true;
    if (exempt.includes('admin'))
      return (await deps.viewers.load(request.headers.get('authorization')))?.role === 'ADMIN';
    return false;
  };
  const error = (code: keyof typeof TRUSTED_DOCUMENT_ERRORS) => () => trustedDocumentError(code, mode);
  const plugin: Plugin =
    mode === 'off'
      ? {}
      : usePersistedOperations({
          getPersistedOperation: (id) => documentFor(id),
          allowArbitraryOperations: (request) => maySendText({ id: null, headers: request.headers }),
          extractPersistedOperationId: (params, request) =>
            documentIdOf(params, request.method === 'GET' ? request.url : undefined),
          customErrors: {
            notFound: error('notFound'),
            persistedQueryOnly: error('required'),
            keyNotFound: error('idRequired'),
          },
        });
  return { mode, store, plugin, documentFor, maySendText };
}

import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import type { ViewerLoader } from '../auth/viewer-cache.js';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { isAdmin } from '../resolvers/access.js';
import { TrustedDocumentStore, type StoredDocument } from '../versioning/document-store.js';
import { PersistedQueryCache, sha256Hex } from '../versioning/persisted-queries.js';

/** The graphql-client-name GraphiQL sends (set in createServer), which `exempt: graphiql` lets through. */
export const GRAPHIQL_CLIENT_NAME = 'graphiql';

export const TRUSTED_DOCUMENT_ERRORS = {
  notFound: 'PERSISTED_DOCUMENT_NOT_FOUND',
  required: 'TRUSTED_DOCUMENT_REQUIRED',
  idRequired: 'PERSISTED_DOCUMENT_ID_REQUIRED',
  /** Automatic persisted queries (`allow`): the hash is not known, send it again with the text. */
  persistedQueryNotFound: 'PERSISTED_QUERY_NOT_FOUND',
  /** Automatic persisted queries (`allow`): the text sent is not the one the hash names. */
  hashMismatch: 'PERSISTED_QUERY_HASH_MISMATCH',
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
  /** Documents registered by automatic persisted queries; null unless `allow`. */
  persistedQueries: PersistedQueryCache | null;
  /**
   * Yoga plugin for HTTP (and SSE): Yoga's persisted-operations plugin over the store, and under
   * `allow` the automatic persisted queries protocol.
   */
  plugin: Plugin;
  /** The document of an id (null: not served under the policy): published, else (`allow`) registered by APQ. */
  documentFor(id: string): Promise<DocumentNode | null>;
  /** The answer to an id `documentFor` does not serve (PersistedQueryNotFound for an APQ hash under `allow`). */
  notFoundError(params: { extensions?: unknown; documentId?: unknown }): GraphQLError;
  /** Whether a request may send query text instead of an id. */
  maySendText(request: DocumentRequest): Promise<boolean>;
  /**
   * Under `allow`, the APQ hash a request sends with its query text, checked against the text
   * (throws PERSISTED_QUERY_HASH_MISMATCH); null when it sends none, or in another mode. Once the
   * document validated, keep it with `persistedQueries.add`.
   */
  persistedQueryHash(params: { query?: unknown; extensions?: unknown; documentId?: unknown }): string | null;
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

/** The hash of Apollo's persisted-query extension, when the request does not send a `documentId`. */
export function persistedQueryHashOf(params: { extensions?: unknown; documentId?: unknown }): string | null {
  if (typeof params.documentId === 'string') return null;
  const pq = (params.extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | undefined)
    ?.persistedQuery;
  return pq && pq.version === 1 && typeof pq.sha256Hash === 'string' ? pq.sha256Hash : null;
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
    // The exact message Apollo Client's persisted-query link and urql's persistedExchange look for.
    persistedQueryNotFound: 'PersistedQueryNotFound',
    hashMismatch:
      'The persistedQuery sha256Hash is not the SHA-256 of the query text sent with it: the document was neither run nor kept.',
  };
  return new GraphQLError(messages[code], {
    extensions: {
      code: TRUSTED_DOCUMENT_ERRORS[code],
      // PersistedQueryNotFound stays 200 (a client that sees 400 may stop persisting queries).
      ...(code === 'hashMismatch' ? { http: { status: 400 } } : {}),
    },
  });
}

/**
 * TRUSTED_DOCUMENTS (docs/trusted-documents.md):
 * - `off`: only query text; a document id is not looked up.
 * - `allow`: query text, or the id of any published document; and automatic persisted queries
 *   (APQ): an unknown hash answers PersistedQueryNotFound, the client sends it again with its
 *   text, which is checked (SHA-256), run and kept (the `persistedQueriesMax` most recently used)
 *   for the next request by hash alone. A published document wins over one registered by APQ.
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
  const persistedQueries = mode === 'allow' ? new PersistedQueryCache(deps.config.persistedQueriesMax) : null;
  const publishedFor = async (id: string) => {
    if (mode === 'off') return null;
    const stored = await store.get(id);
    if (!stored || (mode === 'require' && !stored.active)) return null;
    return stored.document;
  };
  const documentFor = async (id: string) => (await publishedFor(id)) ?? persistedQueries?.get(id)?.document ?? null;
  const notFoundError = (params: { extensions?: unknown; documentId?: unknown }) =>
    trustedDocumentError(
      persistedQueries && persistedQueryHashOf(params) !== null ? 'persistedQueryNotFound' : 'notFound',
      mode,
    );
  const persistedQueryHash = (params: { query?: unknown; extensions?: unknown; documentId?: unknown }) => {
    if (!persistedQueries || typeof params.query !== 'string' || !params.query) return null;
    const hash = persistedQueryHashOf(params);
    if (hash === null) return null;
    if (persistedQueries.get(hash)?.text !== params.query && sha256Hex(params.query) !== hash)
      throw trustedDocumentError('hashMismatch', mode);
    return hash;
  };
  const maySendText = async (request: DocumentRequest) => {
    if (mode !== 'require') return true;
    if (
      exempt.includes('graphiql') &&
      deps.graphiql &&
      request.headers.get('graphql-client-name') === GRAPHIQL_CLIENT_NAME
    )
      return true;
    if (exempt.includes('admin')) return isAdmin(await deps.viewers.load(request.headers.get('authorization')));
    return false;
  };
  const error = (code: keyof typeof TRUSTED_DOCUMENT_ERRORS) => () => trustedDocumentError(code, mode);
  // The DocumentNode a request runs when it is not the one Yoga would parse from the text.
  const parsed = new WeakMap<object, DocumentNode>();
  const persistedOperations = usePersistedOperations({
    // A published document is served as a DocumentNode (planned execution sees Yoga's marker in
    // the params); one registered by APQ as its text, with its parsed node given to Yoga below.
    getPersistedOperation: async (id, _request, context) => {
      const published = await publishedFor(id);
      if (published) return published;
      const registered = persistedQueries?.get(id);
      if (!registered) return null;
      parsed.set(context, registered.document);
      return registered.text;
    },
    allowArbitraryOperations: (request) => maySendText({ id: null, headers: request.headers }),
    extractPersistedOperationId: (params, request) =>
      documentIdOf(params, request.method === 'GET' ? request.url : undefined),
    customErrors: {
      notFound: ({ params }) => notFoundError(params),
      persistedQueryOnly: error('required'),
      keyNotFound: error('idRequired'),
    },
  });
  let plugin: Plugin = {};
  if (mode === 'require') plugin = persistedOperations;
  if (persistedQueries) {
    // Documents sent with their APQ hash: checked, then kept once they validate.
    const registering = new WeakMap<object, { hash: string; text: string; document?: DocumentNode }>();
    plugin = {
      onPluginInit({ addPlugin }) {
        addPlugin(persistedOperations);
      },
      onParams({ params, context }) {
        const hash = persistedQueryHash(params);
        if (hash === null) return;
        const known = persistedQueries.get(hash);
        if (known) parsed.set(context, known.document);
        else registering.set(context, { hash, text: params.query! });
      },
      onParse({ context, setParsedDocument }) {
        const document = parsed.get(context);
        if (document) {
          setParsedDocument(document);
          // Yoga's parser cache (a later plugin) may hold another node for the same text: ours wins.
          return ({ replaceParseResult }) => replaceParseResult(document);
        }
        const entry = registering.get(context);
        // Parsed by Yoga's own parser (with the query limits' token cap), then kept if it validates.
        if (entry)
          return ({ result }) => {
            if (result && !(result instanceof Error)) entry.document = result;
          };
      },
      onValidate({ context }) {
        const entry = registering.get(context);
        if (!entry?.document) return;
        const document = entry.document;
        return ({ valid }) => {
          if (valid) persistedQueries.add({ id: entry.hash, text: entry.text, document });
        };
      },
    };
  }
  return { mode, store, persistedQueries, plugin, documentFor, notFoundError, maySendText, persistedQueryHash };
}

// The app's GraphQL client: urql core over HTTP, graphql-ws for subscriptions. It sends the
// sha256 id of each document (GraphQL Codegen's persisted documents), never its text, with the
// graphql-client-name / graphql-client-version headers, and collects the deprecation signals the
// server answers with (extensions.deprecations; Deprecation, Sunset, Link headers; the client
// version status).
import {
  Client,
  cacheExchange,
  fetchExchange,
  makeOperation,
  getOperationName,
  mapExchange,
  subscriptionExchange,
  type OperationResult,
} from '@urql/core';
import { Kind, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { createClient as createWsClient, type Client as WsClient, type SubscribePayload } from 'graphql-ws';
import WebSocket from 'ws';
import * as documents from './gql/graphql.js';

/** What the server says about a deprecated element the operation touched (extensions.deprecations). */
export interface DeprecationNotice {
  coordinate: string;
  replacement: string;
  sunset: string;
}

/** The deprecation signals of one response. */
export interface DeprecationSignal {
  operationName: string;
  /** extensions.deprecations of the result. */
  notices: DeprecationNotice[];
  /** `Deprecation: @<unix time>` (RFC 9745), as a date. */
  deprecatedSince: string | null;
  /** `Sunset: <HTTP date>` (RFC 8594), as a date. */
  sunset: string | null;
  /** The `rel="deprecation"` links: where the server explains each coordinate. */
  links: string[];
  /** Client-Version-Status, when the server says this version is DEPRECATED or UNSUPPORTED. */
  clientVersionStatus: string | null;
  /** extensions.clientVersion: what the app should tell its user (CLIENT_VERSIONS on the server). */
  clientVersion: ClientVersionNotice | null;
}

export interface ClientVersionNotice {
  status: string;
  minimumVersion: string | null;
  recommendedVersion: string | null;
  message: string;
}

export interface AppClientOptions {
  /** The GraphQL endpoint, e.g. http://localhost:4000/graphql (ws:// is derived from it). */
  url: string;
  clientName: string;
  clientVersion: string;
  /** Called for every response that carries a deprecation signal. */
  onDeprecation?: (signal: DeprecationSignal) => void;
}

/** Every document codegen generated, by operation name: its id is `__meta__.hash`. */
const documentIds = new Map<string, string>();
for (const value of Object.values(documents)) {
  const doc = value as Partial<DocumentNode> & { __meta__?: { hash?: string } };
  const operation = doc.definitions?.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operation?.name && doc.__meta__?.hash) documentIds.set(operation.name.value, doc.__meta__.hash);
}
const operationNames = new Map([...documentIds].map(([name, id]) => [id, name]));

/** The published id of a document: its `__meta__.hash` (codegen's), else that of the generated document of its name. */
export function documentIdOf(document: DocumentNode): string | undefined {
  const own = (document as DocumentNode & { __meta__?: { hash?: string } }).__meta__?.hash;
  if (own) return own;
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  return operation?.name ? documentIds.get(operation.name.value) : undefined;
}

/** A document known only by its id: urql sends `documentId` and no query for it. */
function documentById(documentId: string): DocumentNode {
  return { kind: Kind.DOCUMENT, definitions: [], documentId } as unknown as DocumentNode;
}

function readSignal(operationName: string, response: Response, extensions: unknown): DeprecationSignal | null {
  const ext = extensions as { deprecations?: DeprecationNotice[]; clientVersion?: ClientVersionNotice } | undefined;
  const notices = (ext?.deprecations ?? []).slice();
  const deprecation = response.headers.get('deprecation');
  const sunset = response.headers.get('sunset');
  const clientVersionStatus = response.headers.get('client-version-status');
  if (notices.length === 0 && !deprecation && !clientVersionStatus) return null;
  const seconds = deprecation?.match(/^@(\d+)$/)?.[1];
  const links = [...(response.headers.get('link') ?? '').matchAll(/<([^>]+)>;\s*rel="deprecation"/g)].map((m) => m[1]!);
  return {
    operationName,
    notices,
    deprecatedSince: seconds ? new Date(Number(seconds) * 1000).toISOString().slice(0, 10) : null,
    sunset: sunset ? new Date(sunset).toISOString().slice(0, 10) : null,
    links,
    clientVersionStatus,
    clientVersion: ext?.clientVersion ?? null,
  };
}

/** The tokens of a signed-in session (the SessionTokens fragment of signIn, signUp and refreshSession). */
export interface SessionTokens {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
}

export interface AppClient {
  urql: Client;
  /**
   * Signs the client in (or out, with null): every later request carries the access token, and the
   * client renews it with the refresh token when it expires (shortly before, or on an
   * UNAUTHENTICATED answer), one refresh at a time: a refresh token works once.
   */
  setSession(tokens: SessionTokens | null): void;
  /** How many times the session was renewed (refreshSession). */
  renewals(): number;
  /** Closes the WebSocket. */
  close(): Promise<void>;
  /** Resolves once the WebSocket is connected and acknowledged. */
  connected(): Promise<void>;
}

/** Renew this long before the access token's expiry, so a request does not reach the server just after it. */
const RENEW_BEFORE_MS = 30_000;

export function createAppClient(options: AppClientOptions): AppClient {
  let session: SessionTokens | null = null;
  let renewing: Promise<void> | null = null;
  let renewed = 0;
  const clientHeaders = {
    'graphql-client-name': options.clientName,
    'graphql-client-version': options.clientVersion,
  };
  const identity = () => ({
    ...clientHeaders,
    ...(session ? { authorization: `Bearer ${session.accessToken}` } : {}),
  });

  /** Exchanges the refresh token for the next pair; concurrent callers share one exchange. */
  const renew = (): Promise<void> => {
    const current = session;
    if (!current) return Promise.resolve();
    renewing ??= (async () => {
      try {
        const response = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...clientHeaders },
          body: JSON.stringify({
            documentId: documentIdOf(documents.RefreshSessionDocument),
            variables: { input: { refreshToken: current.refreshToken } },
          }),
        });
        const body = (await response.json()) as { data?: documents.RefreshSessionMutation | null };
        // Refused (expired, revoked, replayed): signed out; the app shows its sign-in screen.
        session = body.data?.refreshSession ?? null;
        if (session) renewed++;
      } finally {
        renewing = null;
      }
    })();
    return renewing;
  };
  /** Before a request: renew an access token about to expire (by this device's clock). */
  const fresh = async () => {
    if (renewing) await renewing;
    if (session && Date.parse(session.accessTokenExpiresAt) - Date.now() < RENEW_BEFORE_MS) await renew();
  };
  const withToken = (init: RequestInit | undefined): RequestInit => {
    const headers = new Headers(init?.headers);
    if (session) headers.set('authorization', `Bearer ${session.accessToken}`);
    else headers.delete('authorization');
    return { ...init, headers };
  };
  const unauthenticated = async (response: Response) => {
    const body = (await response
      .clone()
      .json()
      .catch(() => null)) as { errors?: { extensions?: { code?: string } }[] } | null;
    return body?.errors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED') ?? false;
  };

  // urql's fetch, wrapped to keep the session fresh (renew, then retry once, when the server says
  // the access token expired) and to read the response headers urql does not pass on.
  const fetchWithSignals: typeof fetch = async (input, init) => {
    await fresh();
    const sentWith = session;
    let response = await fetch(input, withToken(init));
    if (sentWith && (await unauthenticated(response))) {
      // The server's clock says the token has expired (or the session was revoked): renew, once.
      if (session === sentWith) await renew();
      else if (renewing) await renewing;
      if (session && session !== sentWith) response = await fetch(input, withToken(init));
    }
    if (options.onDeprecation) {
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { documentId?: string }) : {};
      const name = (body.documentId && operationNames.get(body.documentId)) ?? body.documentId ?? '(unknown)';
      const extensions = await response
        .clone()
        .json()
        .then((json: { extensions?: unknown }) => json.extensions)
        .catch(() => undefined);
      const signal = readSignal(name, response, extensions);
      if (signal) options.onDeprecation(signal);
    }
    return response;
  };

  let ack: () => void = () => {};
  const acknowledged = new Promise<void>((resolve) => (ack = resolve));
  const ws: WsClient = createWsClient({
    url: options.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    // Read when the socket opens (and reopens, after the server closed it for an expired token):
    // with a fresh access token.
    connectionParams: async () => {
      await fresh();
      return identity();
    },
    lazy: true,
    on: { connected: () => ack() },
  });

  // Send the document's id instead of its text (GraphQL over HTTP `documentId`): urql sends
  // `documentId` for a document without definitions.
  const documentIdExchange = mapExchange({
    onOperation(operation) {
      if (operation.kind === 'teardown') return operation;
      const id = documentIdOf(operation.query);
      if (!id) return operation;
      operationNames.set(id, getOperationName(operation.query) ?? id);
      return makeOperation(operation.kind, { ...operation, query: documentById(id) }, operation.context);
    },
  });

  const urql = new Client({
    url: options.url,
    fetch: fetchWithSignals,
    fetchOptions: () => ({ headers: identity() }),
    preferGetMethod: false,
    exchanges: [
      cacheExchange,
      documentIdExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          // Over graphql-ws: the id with an empty query (docs/trusted-documents.md).
          const payload: SubscribePayload & { documentId?: string } = {
            query: request.query ?? '',
            documentId: request.documentId,
            variables: request.variables as Record<string, unknown> | undefined,
          };
          return { subscribe: (sink) => ({ unsubscribe: ws.subscribe(payload, sink) }) };
        },
      }),
      fetchExchange,
    ],
  });

  return {
    urql,
    setSession(next) {
      // The WebSocket opens with the first subscription (lazy), after sign-in: it reads the token then.
      session = next;
    },
    renewals: () => renewed,
    connected: () => acknowledged,
    close: () => ws.dispose() as Promise<void>,
  };
}

/** The data of a result, or a thrown error naming the operation and the server's error codes. */
export function dataOf<Data>(name: string, result: OperationResult<Data>): Data {
  if (result.error || !result.data) {
    const codes = result.error?.graphQLErrors.map((e) => e.extensions.code).join(', ');
    throw new Error(`${name} failed: ${result.error?.message ?? 'no data'}${codes ? ` (${codes})` : ''}`);
  }
  return result.data;
}

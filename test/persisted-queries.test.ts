import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client/core';
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { addTypenameToDocument, print } from '@apollo/client/utilities';
import { Client as UrqlClient, fetchExchange } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';
import { parse, type DocumentNode } from 'graphql';
import { createYoga, type Plugin } from 'graphql-yoga';
import { createViewerLoader } from '../src/auth/viewer-cache.js';
import { defaultTrustedDocumentsConfig, defaultVersioningConfig, type Config } from '../src/config.js';
import { getSchema } from '../src/schema/index.js';
import { createTrustedDocuments } from '../src/server/trusted-documents.js';
import { PersistedQueryCache } from '../src/versioning/persisted-queries.js';
import { wsSubscribe } from '../tools/clients/subscriptions.js';
import { createTestApp, serverBeside, type TestApp } from './helpers/app.js';
import { createUser } from './helpers/factories.js';
import { parseExposition, sample } from './helpers/prometheus.js';

// Automatic persisted queries (APQ) under TRUSTED_DOCUMENTS=allow, driven by the real clients:
// Apollo Client 3's persisted-query link and urql's persistedExchange (docs/trusted-documents.md).

let app: TestApp;
let token: string;
let adminToken: string;
beforeAll(async () => {
  app = await createTestApp({ env: { TRUSTED_DOCUMENTS: 'allow' } });
  token = await app.tokens.issue((await createUser(app.db, { firstName: 'Ada' })).id);
  adminToken = await app.tokens.issue((await createUser(app.db, { role: 'ADMIN' })).id);
});
afterAll(async () => {
  await app?.close();
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** What the clients talk to: the app's Yoga, or one built in a test. */
type Server = { yoga: { fetch(url: string, init?: RequestInit): Response | Promise<Response> } };

/** One request a client sent, and what the server answered. */
interface Seen {
  method: string;
  /** The query text, when the request carried it. */
  query: string | null;
  /** extensions.persistedQuery.sha256Hash, when sent. */
  hash: string | null;
  status: number;
  codes: unknown[];
  data: unknown;
}

/** A fetch that hands each request to `server` (as the network would) and records it. */
function recordingFetch(server: Server) {
  const seen: Seen[] = [];
  const fetchFn = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    // Both clients call fetch(url, init) with a string URL and (for POST) a string body.
    const url = String(input);
    const method = init.method ?? 'GET';
    let params: { query?: string; extensions?: { persistedQuery?: { sha256Hash?: string } } };
    if (method === 'GET') {
      const search = new URL(url).searchParams;
      params = {
        query: search.get('query') ?? undefined,
        extensions: search.has('extensions') ? JSON.parse(search.get('extensions')!) : undefined,
      };
    } else {
      params = JSON.parse(init.body as string);
    }
    const response = await server.yoga.fetch(url, init);
    const body = (await response.clone().json()) as { data?: unknown; errors?: { extensions?: { code?: unknown } }[] };
    seen.push({
      method,
      query: params.query ?? null,
      hash: params.extensions?.persistedQuery?.sha256Hash ?? null,
      status: response.status,
      codes: (body.errors ?? []).map((e) => e.extensions?.code),
      data: body.data ?? null,
    });
    return response;
  };
  return { seen, fetch: fetchFn };
}

function apolloClient(server: Server, options: { useGETForHashedQueries?: boolean } = {}) {
  const recorder = recordingFetch(server);
  const client = new ApolloClient({
    cache: new InMemoryCache(),
    link: createPersistedQueryLink({ sha256, ...options }).concat(
      new HttpLink({
        uri: 'http://test/graphql',
        fetch: recorder.fetch,
        headers: { authorization: `Bearer ${token}` },
      }),
    ),
    defaultOptions: { query: { fetchPolicy: 'no-cache' } },
  });
  return { client, seen: recorder.seen };
}

function urqlClient(server: Server) {
  const recorder = recordingFetch(server);
  const client = new UrqlClient({
    url: 'http://test/graphql',
    // urql's own hash function looks for Web Crypto on window/self, or require(): neither is there under jest.
    exchanges: [persistedExchange({ generateHash: async (query) => sha256(query) }), fetchExchange],
    fetch: recorder.fetch,
    fetchOptions: { headers: { authorization: `Bearer ${token}` } },
    requestPolicy: 'network-only',
  });
  return { client, seen: recorder.seen };
}

/** Sends a request body to `server` as an app does. */
async function send(server: Server, body: Record<string, unknown>) {
  const res = await server.yoga.fetch('http://test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { data?: any; errors?: { message: string; extensions: Record<string, any> }[] };
  return { ...json, status: res.status };
}

/** How often an operation ran by its SQL plan and on the generic path (/metrics). */
async function executions(operation: string) {
  const samples = parseExposition(await (await app.fetch('/metrics')).text());
  const of = (path: string) => sample(samples, 'graphql_query_executions_total', { operation, path });
  return { planned: of('planned'), generic: of('generic') };
}

const apq = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

/** Another server on the app's database and clock, with its own trusted-documents settings. */
function serverWith(trustedDocuments: Partial<Config['trustedDocuments']>) {
  return serverBeside(app, {
    versioning: defaultVersioningConfig,
    trustedDocuments: { ...defaultTrustedDocumentsConfig, ...trustedDocuments },
  });
}

describe('automatic persisted queries under TRUSTED_DOCUMENTS=allow', () => {
  it('Apollo Client: a new document goes by hash, is resent with its text on PERSISTED_QUERY_NOT_FOUND, then by hash alone', async () => {
    const { client, seen } = apolloClient(app.server);
    const query = gql`
      query ApolloViewer {
        me {
          id
          firstName
        }
      }
    `;
    const first = await client.query({ query });
    expect(first.data.me.firstName).toBe('Ada');
    const hash = seen[0]!.hash!;
    expect(seen).toEqual([
      { method: 'POST', query: null, hash, status: 200, codes: ['PERSISTED_QUERY_NOT_FOUND'], data: null },
      {
        method: 'POST',
        query: expect.stringContaining('query ApolloViewer'),
        hash,
        status: 200,
        codes: [],
        data: first.data,
      },
    ]);
    expect(sha256(seen[1]!.query!)).toBe(hash);
    expect(app.server.persistedQueries?.get(hash)).toMatchObject({ id: hash, text: seen[1]!.query });

    const second = await client.query({ query });
    expect(second.data).toEqual(first.data);
    expect(seen.slice(2)).toEqual([{ method: 'POST', query: null, hash, status: 200, codes: [], data: first.data }]);

    // Another client (another device) sends it by hash and is answered at once.
    const other = apolloClient(app.server);
    expect((await other.client.query({ query })).data).toEqual(first.data);
    expect(other.seen).toHaveLength(1);
    // Each run, by text and by hash alone, was answered by its SQL plan (docs/planned-execution.md).
    expect(await executions('ApolloViewer')).toEqual({ planned: 3, generic: undefined });
  });

  it('Apollo Client with useGETForHashedQueries: hashes go by GET, the text by POST', async () => {
    const { client, seen } = apolloClient(app.server, { useGETForHashedQueries: true });
    const query = gql`
      query ApolloGetViewer {
        me {
          firstName
        }
      }
    `;
    expect((await client.query({ query })).data.me.firstName).toBe('Ada');
    expect((await client.query({ query })).data.me.firstName).toBe('Ada');
    const hash = seen[0]!.hash;
    expect(seen.map(({ method, query: text, hash: h, codes }) => [method, text !== null, h === hash, codes])).toEqual([
      ['GET', false, true, ['PERSISTED_QUERY_NOT_FOUND']],
      ['POST', true, true, []],
      ['GET', false, true, []],
    ]);
  });

  it('urql persistedExchange: the same protocol (over GET, its default for queries)', async () => {
    const { client, seen } = urqlClient(app.server);
    const query = 'query UrqlViewer { me { id lastName } }';
    const first = await client.query(query, {}).toPromise();
    expect(first.error).toBeUndefined();
    expect(first.data.me.lastName).toBe('Student');
    // urql hashes and sends the document as it prints it.
    const hash = seen[0]!.hash!;
    expect(seen).toEqual([
      { method: 'GET', query: null, hash, status: 200, codes: ['PERSISTED_QUERY_NOT_FOUND'], data: null },
      {
        method: 'GET',
        query: expect.stringContaining('query UrqlViewer'),
        hash,
        status: 200,
        codes: [],
        data: first.data,
      },
    ]);
    expect(sha256(seen[1]!.query!)).toBe(hash);
    const second = await client.query(query, {}).toPromise();
    expect(second.data).toEqual(first.data);
    expect(seen.slice(2)).toEqual([{ method: 'GET', query: null, hash, status: 200, codes: [], data: first.data }]);
    expect(await executions('UrqlViewer')).toEqual({ planned: 2, generic: undefined });
  });

  it('answers a published document at the first request by hash; an unknown documentId keeps PERSISTED_DOCUMENT_NOT_FOUND', async () => {
    // The text Apollo Client sends (and its persisted query manifest holds): printed, with __typename.
    const query = gql`
      query PublishedViewer {
        me {
          firstName
          lastName
        }
      }
    `;
    const published = print(addTypenameToDocument(query));
    const res = await app.gql(
      `mutation ($input: PublishTrustedDocumentsInput!) { publishTrustedDocuments(input: $input) { documents } }`,
      { input: { client: 'web', version: '1.0.0', manifest: JSON.stringify({ [sha256(published)]: published }) } },
      adminToken,
    );
    expect(res.errors).toBeUndefined();
    const { client, seen } = apolloClient(app.server);
    expect((await client.query({ query })).data.me.firstName).toBe('Ada');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ query: null, hash: sha256(published), codes: [] });
    // Apollo hashes its printed text (same as the published text here): served from the store, not kept by APQ.
    expect(app.server.persistedQueries?.get(seen[0]!.hash!)).toBeNull();

    const unknown = await send(app.server, { documentId: sha256('query Nope { me { id } }') });
    expect(unknown.errors?.[0]).toMatchObject({
      message: 'No document is published under this id.',
      extensions: { code: 'PERSISTED_DOCUMENT_NOT_FOUND' },
    });
  });

  it('refuses a hash that is not the SHA-256 of the text sent with it, and keeps nothing', async () => {
    const text = 'query Sent { me { id } }';
    const other = sha256('query Claimed { me { id } }');
    const res = await send(app.server, { query: text, extensions: apq(other) });
    expect(res.status).toBe(400);
    expect(res.data).toBeUndefined();
    expect(res.errors).toEqual([
      {
        message: expect.stringContaining('not the SHA-256 of the query text'),
        extensions: { code: 'PERSISTED_QUERY_HASH_MISMATCH' },
      },
    ]);
    expect(app.server.persistedQueries?.get(other)).toBeNull();
    expect(app.server.persistedQueries?.get(sha256(text))).toBeNull();
    const byHash = await send(app.server, { extensions: apq(other) });
    expect(byHash.errors?.[0]).toMatchObject({
      message: 'PersistedQueryNotFound',
      extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' },
    });
  });

  it('keeps only documents that parse and validate', async () => {
    const invalid = 'query Invalid { me { nickname } }';
    const broken = 'query Broken { me { id }';
    for (const text of [invalid, broken]) {
      const res = await send(app.server, { query: text, extensions: apq(sha256(text)) });
      expect(res.errors?.[0]?.extensions.code).toBeDefined();
      expect(app.server.persistedQueries?.get(sha256(text))).toBeNull();
    }
  });

  it('keeps a bounded number of documents (TRUSTED_DOCUMENTS_APQ_CACHE_SIZE): the least recently used falls out', async () => {
    const small = serverWith({ mode: 'allow', persistedQueriesMax: 2 });
    const [a, b, c] = ['query A { me { id } }', 'query B { me { firstName } }', 'query C { me { lastName } }'];
    for (const text of [a, b])
      expect((await send(small, { query: text, extensions: apq(sha256(text)) })).errors).toBeUndefined();
    expect((await send(small, { extensions: apq(sha256(a)) })).data.me.id).toBeTruthy(); // a used again
    expect((await send(small, { query: c, extensions: apq(sha256(c)) })).errors).toBeUndefined();
    expect(small.persistedQueries?.size).toBe(2);
    expect((await send(small, { extensions: apq(sha256(b)) })).errors?.[0]?.extensions.code).toBe(
      'PERSISTED_QUERY_NOT_FOUND',
    );
    expect((await send(small, { extensions: apq(sha256(a)) })).data.me.id).toBeTruthy();
    expect((await send(small, { extensions: apq(sha256(c)) })).data.me.lastName).toBe('Student');
  });

  it('bounds the text kept in all too, and keeps the first entry of a hash', () => {
    const entry = (text: string) => ({ id: sha256(text), text, document: parse(text) });
    const cache = new PersistedQueryCache(10, 60);
    const [a, b, long] = [
      'query A { me { id } }',
      'query B { me { firstName } }',
      `query L { me { ${'id '.repeat(30)}} }`,
    ];
    cache.add(entry(long)); // longer than all the text allowed: not kept
    expect(cache.get(sha256(long))).toBeNull();
    const first = entry(a);
    cache.add(first);
    cache.add(entry(a));
    expect(cache.get(sha256(a))).toBe(first);
    cache.add(entry(b));
    cache.add(entry('query C { me { lastName } }')); // a + b + c is over 60 characters: a (least recent) falls out
    expect([cache.get(sha256(a)), cache.size]).toEqual([null, 2]);
  });

  it('keeps one parsed DocumentNode per hash, which every request by hash runs, for other code (a planner) to find', async () => {
    // The trusted-documents plugin alone in a Yoga, with a plugin that sees the document each request executes.
    const trusted = createTrustedDocuments({
      config: { ...defaultTrustedDocumentsConfig, mode: 'allow' },
      graphiql: false,
      db: app.db,
      schema: getSchema(),
      viewers: createViewerLoader(app.db, app.tokens, { ttlMs: 0 }),
    });
    const executed: DocumentNode[] = [];
    const yoga = createYoga({
      schema: getSchema(),
      // Without Yoga's parser cache: the same node comes from the APQ cache alone.
      parserAndValidationCache: false,
      plugins: [trusted.plugin, { onExecute: ({ args }) => void executed.push(args.document) } satisfies Plugin],
    });
    const text = 'query Parsed { __typename }';
    await send({ yoga }, { query: text, extensions: apq(sha256(text)) });
    const kept = trusted.persistedQueries!.get(sha256(text))!;
    expect(kept).toMatchObject({ id: sha256(text), text, document: { kind: 'Document' } });
    // Neither a request by hash nor the same text sent again parses it again.
    expect((await send({ yoga }, { extensions: apq(sha256(text)) })).data).toEqual({ __typename: 'Query' });
    expect((await send({ yoga }, { query: text, extensions: apq(sha256(text)) })).data).toEqual({
      __typename: 'Query',
    });
    expect(trusted.persistedQueries!.get(sha256(text))!.document).toBe(kept.document);
    expect(executed).toHaveLength(3);
    for (const document of executed) expect(document).toBe(kept.document);
  });

  it('over graphql-ws: a document sent with its hash is checked and kept, then runs by hash alone', async () => {
    const url = await app.server.listen(0, '127.0.0.1');
    const text = 'query WsViewer { me { firstName } }';
    const hash = sha256(text);
    const subscriptions = [
      await wsSubscribe(url, token, '', {}, { extensions: apq(hash) }),
      await wsSubscribe(url, token, text, {}, { extensions: apq(sha256('query Other { me { id } }')) }),
    ];
    try {
      expect((await subscriptions[0]!.next()).errors[0]).toMatchObject({
        message: 'PersistedQueryNotFound',
        extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' },
      });
      expect((await subscriptions[1]!.next()).errors[0]).toMatchObject({
        extensions: { code: 'PERSISTED_QUERY_HASH_MISMATCH' },
      });
      subscriptions.push(await wsSubscribe(url, token, text, {}, { extensions: apq(hash) }));
      expect((await subscriptions[2]!.next()).data).toEqual({ me: { firstName: 'Ada' } });
      subscriptions.push(await wsSubscribe(url, token, '', {}, { extensions: apq(hash) }));
      expect((await subscriptions[3]!.next()).data).toEqual({ me: { firstName: 'Ada' } });
      // Kept by either transport, served by both.
      expect((await send(app.server, { extensions: apq(hash) })).data).toEqual({ me: { firstName: 'Ada' } });
    } finally {
      await Promise.all(subscriptions.map((s) => s.close()));
    }
  });
});

describe('automatic persisted queries outside `allow`', () => {
  it('`require` is unchanged: an unknown hash is PERSISTED_DOCUMENT_NOT_FOUND, text with a hash is refused, nothing is kept', async () => {
    const strict = serverWith({ mode: 'require', exempt: [] });
    expect(strict.persistedQueries).toBeNull();
    const text = 'query Required { me { id } }';
    const hash = sha256(text);
    expect((await send(strict, { extensions: apq(hash) })).errors?.[0]?.extensions.code).toBe(
      'PERSISTED_DOCUMENT_NOT_FOUND',
    );
    expect((await send(strict, { query: text, extensions: apq(hash) })).errors?.[0]?.extensions.code).toBe(
      'TRUSTED_DOCUMENT_REQUIRED',
    );
    // Apollo Client does not resend the text: the query fails with the server's answer.
    const { client, seen } = apolloClient(strict);
    await expect(client.query({ query: gql(text) })).rejects.toThrow(
      /No active app version published this document id/,
    );
    expect(seen).toHaveLength(1);
  });

  it('`off` does not look hashes up: a request without text is refused as before (a client must not use APQ there)', async () => {
    const off = serverWith({ mode: 'off' });
    expect(off.persistedQueries).toBeNull();
    const res = await send(off, { extensions: apq(sha256('query Off { me { id } }')) });
    expect(res.status).toBe(200);
    expect(res.errors?.[0]).toMatchObject({
      message: 'Must provide query string.',
      extensions: { code: 'BAD_REQUEST' },
    });
    // Text with a hash runs, unchecked and not kept.
    const text = 'query Off { me { id } }';
    expect((await send(off, { query: text, extensions: apq('whatever') })).data.me.id).toBeTruthy();
  });
});

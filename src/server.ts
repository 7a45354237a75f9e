import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Context } from './context.js';
import { graphiqlOptions, renderGraphiQL } from './http/graphiql.js';
import { type ActivityTracker } from './server/activity.js';
import { createContextFactory, type ServerContextInput } from './server/request-context.js';
import { corsOptions } from './server/production.js';
import { GRAPHIQL_CLIENT_NAME } from './server/trusted-documents.js';
import { attachGraphqlWs } from './server/ws.js';
import { createServices, serverPlugins, type ServerDeps } from './server/services.js';

export type { ServerDeps } from './server/services.js';
import type { TrustedDocumentStore } from './versioning/document-store.js';
import type { PersistedQueryCache } from './versioning/persisted-queries.js';
import type { DeprecationUsageTracker } from './versioning/usage-tracker.js';

export interface AppServer {
  yoga: YogaServerInstance<ServerContextInput, Context>;
  http: Server;
  /** Counts of deprecated coordinates per client, written in batches; `flush()` writes now. */
  deprecationUsage: Pick<DeprecationUsageTracker, 'flush'>;
  /** Published documents in memory (loaded by `listen`). */
  trustedDocuments: TrustedDocumentStore;
  /** Documents registered by automatic persisted queries (TRUSTED_DOCUMENTS=allow only, else null). */
  persistedQueries: PersistedQueryCache | null;
  /** Accounts seen active (analytics), written in batches; `flush()` writes now. */
  activity: Pick<ActivityTracker, 'flush'>;
  /** Listens and resolves with the URL of the GraphQL endpoint. */
  listen(port: number, host?: string): Promise<string>;
  /** Stops accepting, lets in-flight requests finish, closes idle keep-alive sockets. */
  close(): Promise<void>;
}

/** Builds the HTTP server, Yoga and graphql-ws. No side effects until `listen`. */
export function createServer(deps: ServerDeps): AppServer {
  const services = createServices(deps);
  const { now, schema, config, viewers, versioning, versioningConfig, limits, planned, trusted, activity } = services;
  const yoga = createYoga<ServerContextInput, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // useRequestBodyLimit below caps bodies without a stream per request.
    maxRequestBodySize: false,
    // Our own /health and /ready (src/http/health.ts) replace Yoga's built-in check.
    healthCheckEndpoint: '/health/yoga',
    graphiql: deps.config.graphiql
      ? // Lets GraphiQL send text under TRUSTED_DOCUMENTS=require (exempt: graphiql).
        { ...graphiqlOptions, additionalHeaders: { 'graphql-client-name': GRAPHIQL_CLIENT_NAME } }
      : false,
    // GraphiQL with its assets inlined: no request leaves the machine.
    renderGraphiQL,
    logging: {
      debug: (...args) => deps.logger.debug({ args }, 'yoga'),
      info: (...args) => deps.logger.info({ args }, 'yoga'),
      warn: (...args) => deps.logger.warn({ args }, 'yoga'),
      error: (...args) => deps.logger.error({ args }, 'yoga'),
    },
    // Errors are mapped to client errors by useErrorCodes; this masks whatever escapes it.
    maskedErrors: true,
    cors: corsOptions(config),
    context: createContextFactory({
      domain: {
        db: deps.db,
        now,
        tokens: deps.tokens,
        events: deps.events,
        live: deps.live,
        logger: deps.logger,
        viewers,
        jobs: deps.jobs ?? { names: () => [], run: async () => undefined },
        idTokens: services.idTokens,
        devices: deps.config.push && { webPushEndpointHosts: deps.config.push.webPushEndpointHosts },
      },
      viewers,
      versioning,
      trustedDocuments: trusted.store,
      trustProxy: config.trustProxy,
      publicUrl: config.publicUrl ?? null,
    }),
    plugins: serverPlugins(deps, services),
  });

  // A request that declares a body and sends nothing is dropped after requestTimeout (checked every second).
  const http = createHttpServer(
    {
      requestTimeout: config.http.requestTimeoutMs,
      headersTimeout: config.http.headersTimeoutMs,
      connectionsCheckingInterval: 1_000,
    },
    yoga,
  );
  const ws = attachGraphqlWs(http, yoga, trusted, {
    viewers,
    tokens: deps.tokens,
    limits,
    redis: services.redis,
    logger: deps.logger,
    trustProxy: config.trustProxy,
    settings: config.ws,
  });
  return {
    yoga,
    http,
    deprecationUsage: versioning.usage,
    trustedDocuments: trusted.store,
    persistedQueries: trusted.persistedQueries,
    activity,
    async listen(port, host) {
      versioning.usage.start(versioningConfig.usageFlushIntervalMs);
      activity.start();
      if (trusted.mode !== 'off') {
        // Not fatal: without the preload, each id is looked up on first use.
        await trusted.store.preload().then(
          (loaded) =>
            deps.logger.info(
              { documents: loaded, mode: trusted.mode, planned: planned.counts().planned },
              'trusted documents loaded',
            ),
          (err: unknown) => deps.logger.warn({ err }, 'trusted documents not preloaded; loading them on first use'),
        );
      }
      return new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          const address = http.address() as AddressInfo;
          const shownHost = !host || host === '0.0.0.0' || host === '::' ? 'localhost' : host;
          resolve(`http://${shownHost}:${address.port}/graphql`);
        });
      });
    },
    async close() {
      await ws.close();
      await new Promise<void>((resolve, reject) => {
        // Keep-alive sockets of requests in flight become idle when their response ends:
        // close them as they do, rather than waiting for the keep-alive timeout.
        const sweep = setInterval(() => http.closeIdleConnections(), 50);
        http.close((err) => {
          clearInterval(sweep);
          if (err) reject(err);
          else resolve();
        });
        http.closeIdleConnections();
      });
      // Requests have finished: write the usage they counted.
      await versioning.usage.stop().catch((err: unknown) => deps.logger.error({ err }, 'deprecated usage not written'));
      await activity.stop();
    },
  };
}

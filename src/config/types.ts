import type { ClientVersionTable } from '../versioning/client-status.js';
import type { PushConfig } from './push.js';

/* The configuration as the server reads it (src/config.ts parses it from the environment). */

/** OpenTelemetry's sampler names, as OTEL_TRACES_SAMPLER takes them. */
export const TRACES_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export interface TracesSamplerSetting {
  name: (typeof TRACES_SAMPLERS)[number];
  /** Share of new traces recorded by the ratio samplers (OTEL_TRACES_SAMPLER_ARG). */
  ratio: number;
}

/** A limit of `points` per `durationSeconds`. */
export interface Rate {
  points: number;
  durationSeconds: number;
}

export interface Config {
  env: 'development' | 'test' | 'production';
  host: string;
  port: number;
  /** null: start the embedded PostgreSQL under `embeddedDbDir`. */
  databaseUrl: string | null;
  databasePoolSize: number;
  /** Prepare statements once per connection (off behind a transaction-mode pooler that cannot). */
  databasePreparedStatements: boolean;
  /** How long the account behind a token is reused before it is looked up again (0: never). */
  viewerCacheTtlMs: number;
  /** How long start-up retries an unreachable DATABASE_URL (with backoff) before giving up. */
  databaseConnectTimeoutMs: number;
  /** Local state of development: the embedded database (by default) and the generated JWT secret. */
  dataDir: string;
  embeddedDbDir: string;
  /**
   * `generated`: JWT_SECRET is unset, `secret` is random for this process; in development
   * start-up replaces it with the one kept in `<dataDir>/jwt-secret` (src/auth/dev-secret.ts).
   */
  jwt: { secret: string; expiresIn: string; generated: boolean };
  /**
   * Sessions (docs/accounts-and-sessions.md): lifetimes of access tokens (ACCESS_TOKEN_TTL) and
   * refresh tokens (REFRESH_TOKEN_TTL), as durations such as 15m or 30d. `jwt.expiresIn` is the
   * lifetime of the deprecated session-less and AuthPayload.token tokens.
   */
  sessions: {
    accessTokenTtl: string;
    refreshTokenTtl: string;
    /** The app's page a password-reset mail links to (PASSWORD_RESET_URL), `?token=…` appended. */
    passwordResetUrl: string;
  };
  /** `transport: 'log'`: mails are logged, not sent (smtpUrl is then null). */
  mail: { smtpUrl: string | null; from: string; transport: 'smtp' | 'log' };
  /**
   * Email verification links (docs/identity.md): a token lives `ttlSeconds`
   * (EMAIL_VERIFICATION_TTL); `url`, when set, is the app's page the mail links to, with `?token=`.
   */
  emailVerification: { ttlSeconds: number; url: string | null };
  /**
   * Sign in with Apple / Google (docs/identity.md): the app's client ids an ID token's audience
   * must be one of (empty: the provider is off) and the provider's JWKS.
   */
  identityProviders: {
    /** `nonce`: what Apple's `nonce` claim holds, SHA-256 (hex) of the nonce the client sends, the nonce itself, or either. */
    APPLE: { clientIds: string[]; jwksUrl: string; nonce: 'sha256' | 'raw' | 'either' };
    GOOGLE: { clientIds: string[]; jwksUrl: string };
    /** A key set is fetched again for an unknown `kid` at most once per this many ms. */
    jwksCooldownMs: number;
  };
  redisUrl: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  events: { maxAttempts: number; pollIntervalMs: number; retentionDays: number };
  /** Soft-deleted rows are purged (hard-deleted) after `retentionDays`. */
  purge: { retentionDays: number };
  /** The change log of `changes(since:)` (docs/sync.md) is pruned after `retentionDays`. */
  sync: { retentionDays: number };
  /** Scheduled jobs: cron expressions by job name, replacing each job's default (src/jobs). */
  jobs: { schedules: Record<string, string> };
  graphiql: boolean;
  shutdownTimeoutMs: number;
  /**
   * RevenueCat: the Authorization value its webhooks carry (null: the webhook answers 503), and
   * the job that downgrades PREMIUM accounts whose expiry passed `expiryGraceMs` ago unrenewed.
   */
  billing: {
    /** The Authorization value RevenueCat sends (REVENUECAT_WEBHOOK_SECRET); null: the webhook is off. */
    revenueCatWebhookSecret: string | null;
    /** REVENUECAT_WEBHOOK_SIGNING_KEY: when set, X-RevenueCat-Signature must be the body's HMAC-SHA256 under it. */
    revenueCatSigningKey: string | null;
    /** REVENUECAT_NON_RENEWING_DAYS: days of PREMIUM a non-renewing product gives; one not listed is lifetime. */
    nonRenewingDays: Record<string, number>;
    expiryGraceMs: number;
  };
  /** How often finished days' analytics figures are rolled up (AnalyticsDay). */
  /** Accounts with these (normalized) emails become admins at sign-up and at start. */
  adminEmails: string[];
  /** Schema evolution: what happens past a sunset, minimum client versions, usage batching. */
  versioning: {
    sunsetPolicy: 'warn' | 'reject';
    clientVersions: ClientVersionTable;
    usageFlushIntervalMs: number;
  };
  /**
   * Trusted documents (docs/trusted-documents.md): `off` runs only query text, `allow` also runs
   * published documents by id, `require` runs only published documents of active app versions,
   * except for the `exempt` callers (admin tokens, GraphiQL). Documents looked up in the
   * database are kept `cacheTtlMs`. Under `allow`, clients may also register documents by
   * automatic persisted queries (APQ): the `persistedQueriesMax` most recently used are kept.
   */
  trustedDocuments: {
    mode: 'off' | 'allow' | 'require';
    exempt: ('admin' | 'graphiql')[];
    cacheTtlMs: number;
    persistedQueriesMax: number;
  };
  /**
   * Planned execution (docs/planned-execution.md): query documents whose root fields all have an
   * SQL form run as one statement per root field. `cacheSize` bounds the plans kept for documents
   * sent as text (published documents keep theirs with the store). `enabled: false` runs every
   * request on the generic path (the reference the parity suite compares against).
   */
  planner: { enabled: boolean; cacheSize: number };
  /**
   * /metrics: on a port of its own (`port`), or on the API port behind `token` (bearer). In
   * production with neither, metrics are off: they are never open to the world by default.
   */
  metrics: { enabled: boolean; token: string | null; port: number | null };
  /** OpenTelemetry: spans are recorded and exported over OTLP/HTTP only when `otlpEndpoint` is set. */
  tracing: {
    otlpEndpoint: string | null;
    serviceName: string;
    /**
     * Which traces are recorded (OTEL_TRACES_SAMPLER, OpenTelemetry's names; default
     * `parentbased_traceidratio`: a caller's decision is followed, a new trace is recorded with
     * probability `ratio`, OTEL_TRACES_SAMPLER_ARG, default 0.1; `ratio` is used by the ratio samplers only).
     */
    sampler: TracesSamplerSetting;
  };
  /** Unexpected errors, one row per fingerprint, kept `retentionDays` after they were last seen. */
  errorLog: { retentionDays: number };
  /** /ready says `degraded` (still 200) past these: the oldest pending event's age, dead letters. */
  readiness: { outboxLagSeconds: number; deadLetters: number };
  /** Timeouts of the database pool (docs/hardening.md). */
  database: {
    connectTimeoutMs: number;
    statementTimeoutMs: number;
    transactionWaitMs: number;
    transactionTimeoutMs: number;
  };
  /** Longest run of one event handler; past it the delivery fails and is retried. */
  eventHandlerTimeoutMs: number;
  /** null: rate limiting off (RATE_LIMITS=false). */
  rateLimits: {
    /** Failed sign-ins to one account from one address: past it that pair is locked out (doubling). */
    signInAccountIp: Rate;
    /** Failed sign-ins to one account from every address: a high ceiling against distributed guessing. */
    signInAccount: Rate;
    signInIp: Rate;
    /** First lockout of an (account, address) after too many failed sign-ins; doubles with each further one. */
    signInLockoutSeconds: number;
    signUpIp: Rate;
    /** refreshSession calls from one address (RATE_LIMIT_REFRESH_SESSION_IP). */
    refreshSessionIp: Rate;
    /** requestPasswordReset per email (RATE_LIMIT_RESET_EMAIL) and, with resetPassword, per address (…_IP). */
    passwordResetEmail: Rate;
    passwordResetIp: Rate;
    mutationsUser: Rate;
    /** Mutations of one user running at once on a replica: more wait their turn elsewhere (RATE_LIMITED, retry in 1 s). */
    mutationsInFlightUser: number;
    wsConnectionsIp: Rate;
    /** Verification mails one account may ask for (resendVerificationEmail, changeEmail). */
    verificationEmailUser: Rate;
    /** signInWithIdToken calls from one address. */
    idTokenSignInIp: Rate;
    /** verifyEmail calls from one address (it needs no sign-in). */
    verifyEmailIp: Rate;
    /** Fetches of one calendar feed URL (GET /calendar/<token>.ics), refused with HTTP 429 past it. */
    calendarFeedToken: Rate;
  } | null;
  /**
   * The API's public origin (and path prefix) as clients reach it, e.g. https://api.example.com:
   * what links handed out (the calendar feed URL) start with. null: the origin the request came to.
   */
  publicUrl: string | null;
  /** Take the client address from X-Forwarded-For (behind a trusted proxy). */
  trustProxy: boolean;
  ws: {
    initTimeoutMs: number;
    maxSubscriptionsPerConnection: number;
    maxConnectionsPerUser: number;
    authRecheckMs: number;
  };
  http: { requestTimeoutMs: number; headersTimeoutMs: number };
  /** Introspection and field suggestions (default: off in production). */
  introspection: boolean;
  /** Origins allowed by CORS; null: any origin in development, none in production. */
  cors: { origins: string[] | null; credentials: boolean };
  /** The bearer token that sees /ready's details; null: nobody outside development. */
  operatorToken: string | null;
  /** Production profile: CSRF prevention, no suggestions, /ready details only for the operator. */
  production: boolean;
  /** Push providers (docs/push.md); each null when its credentials are not given. */
  push: PushConfig;
}

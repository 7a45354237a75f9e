import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { Cron } from 'croner';
import { DEFAULT_DB_TIMEOUTS } from './db/timeouts.js';
import { compareVersions, parseVersion, SEMVER, type ClientVersionTable } from './versioning/client-status.js';

/** Checks a cron expression as the job scheduler reads it (croner); the problem, or null when valid. */
function cronProblem(expression: string): string | null {
  try {
    new Cron(expression, { paused: true }).stop();
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

const version = z.string().regex(SEMVER, 'must be a version MAJOR.MINOR.PATCH such as 2.3.0');
// zod runs the refinement below even when a version is malformed (reported already).
const isVersions = (r: { min: string; deprecatedBelow: string }) =>
  !!parseVersion(r.min) && !!parseVersion(r.deprecatedBelow);

/** CLIENT_VERSIONS: `{"ios":{"min":"2.0.0","deprecatedBelow":"2.3.0"}}`, one rule per client name. */
const clientVersions = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: 'must be JSON such as {"ios":{"min":"2.0.0","deprecatedBelow":"2.3.0"}}',
      });
      return z.NEVER;
    }
  })
  .pipe(
    z.record(
      z.string().min(1),
      z
        .strictObject({ min: version, deprecatedBelow: version })
        .refine((r) => !isVersions(r) || compareVersions(r.deprecatedBelow, r.min) >= 0, {
          message: 'must not be below min',
          path: ['deprecatedBelow'],
        }),
    ),
  );

/**
 * JOB_SCHEDULES: `{"reminders":"* * * * *","digest":"*\/15 * * * *"}`, a cron expression (croner
 * syntax, an optional leading seconds field) per job name, replacing that job's default. Names of
 * jobs added later may be given already; an unknown name is ignored.
 */
const jobSchedules = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON such as {"reminders":"* * * * *"}' });
      return z.NEVER;
    }
  })
  .pipe(
    z.record(
      z.string().min(1),
      z.string().superRefine((expr, ctx) => {
        const problem = cronProblem(expr);
        if (problem) ctx.addIssue({ code: 'custom', message: `is not a cron expression (${problem})` });
      }),
    ),
  );

/** The versioning settings when none are given (the defaults of the variables below). */
export const defaultVersioningConfig: Config['versioning'] = {
  sunsetPolicy: 'warn',
  clientVersions: {},
  usageFlushIntervalMs: 30_000,
};

/** Trusted documents when none are configured: documents by id accepted, any text too. */
export const defaultTrustedDocumentsConfig: Config['trustedDocuments'] = {
  mode: 'allow',
  exempt: ['admin', 'graphiql'],
  cacheTtlMs: 60_000,
  persistedQueriesMax: 1_000,
};

/** Planned execution when nothing is configured: on, with plans of up to 1,000 text documents kept. */
export const defaultPlannerConfig: Config['planner'] = { enabled: true, cacheSize: 1000 };

/** TRUSTED_DOCUMENTS_EXEMPT: who may still send text under `require`, comma-separated. */
const exemptions = z
  .string()
  .transform((text) =>
    text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(['admin', 'graphiql'])));

/** How long a signed-in account's lookup is reused (VIEWER_CACHE_TTL_MS). */
export const DEFAULT_VIEWER_CACHE_TTL_MS = 30_000;

/** A rate: `N/window`, e.g. `5/15m` is 5 per 15 minutes. */
const rate = z
  .string()
  .regex(/^\d+\/\d+(s|m|h)$/, 'must be a rate such as 5/15m (count/window in s, m or h)')
  .transform((text) => {
    const [, points, amount, unit] = /^(\d+)\/(\d+)(s|m|h)$/.exec(text)!;
    return {
      points: Number(points),
      durationSeconds: Number(amount) * { s: 1, m: 60, h: 3600 }[unit as 's' | 'm' | 'h'],
    };
  });
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
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
const ms = (max: number, fallback: number) => z.coerce.number().int().min(0).max(max).default(fallback);

/** A limit of `points` per `durationSeconds`. */
export interface Rate {
  points: number;
  durationSeconds: number;
}

/** The defaults of the hardening settings (docs/hardening.md), used where a test builds parts alone. */
export const defaultHardening = {
  database: DEFAULT_DB_TIMEOUTS,
  rateLimits: {
    signInAccountIp: { points: 5, durationSeconds: 900 },
    signInAccount: { points: 100, durationSeconds: 3600 },
    signInIp: { points: 50, durationSeconds: 900 },
    signInLockoutSeconds: 60,
    signUpIp: { points: 10, durationSeconds: 3600 },
    mutationsUser: { points: 300, durationSeconds: 60 },
    mutationsInFlightUser: 8,
    wsConnectionsIp: { points: 60, durationSeconds: 60 },
  },
  ws: { initTimeoutMs: 5_000, maxSubscriptionsPerConnection: 25, maxConnectionsPerUser: 10, authRecheckMs: 15_000 },
  http: { requestTimeoutMs: 30_000, headersTimeoutMs: 10_000 },
} satisfies Pick<Config, 'database' | 'rateLimits' | 'ws' | 'http'>;

/**
 * The process environment, parsed and validated once. Nothing else reads process.env:
 * modules take what they need from the Config they are given.
 */
const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// connection string')
      .optional(),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
    DATABASE_PREPARED_STATEMENTS: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    VIEWER_CACHE_TTL_MS: z.coerce.number().int().min(0).max(600_000).default(DEFAULT_VIEWER_CACHE_TTL_MS),
    DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
    DATA_DIR: z.string().min(1).default('.data'),
    EMBEDDED_DB_DIR: z.string().min(1).optional(),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    JWT_EXPIRES_IN: z
      .string()
      .regex(/^\d+\s*(s|m|h|d|w)$/, 'must be a duration such as 15m, 12h or 7d')
      .default('7d'),
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
      .optional(),
    MAIL_TRANSPORT: z.enum(['smtp', 'log']).optional(),
    MAIL_FROM: z.string().min(3).default('Study Planner <no-reply@study-planner.local>'),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// URL')
      .optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    EVENT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
    EVENT_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(600_000).default(2_000),
    EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(7),
    DELETED_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    JOB_SCHEDULES: jobSchedules.default({}),
    GRAPHIQL: z
      .enum(['true', 'false'])
      .optional()
      .transform((v) => (v === undefined ? undefined : v === 'true')),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
    DEPRECATION_SUNSET_POLICY: z.enum(['warn', 'reject']).default(defaultVersioningConfig.sunsetPolicy),
    CLIENT_VERSIONS: clientVersions.default(defaultVersioningConfig.clientVersions),
    DEPRECATION_USAGE_FLUSH_INTERVAL_MS: z.coerce
      .number()
      .int()
      .min(100)
      .max(3_600_000)
      .default(defaultVersioningConfig.usageFlushIntervalMs),
    TRUSTED_DOCUMENTS: z.enum(['off', 'allow', 'require']).default(defaultTrustedDocumentsConfig.mode),
    TRUSTED_DOCUMENTS_EXEMPT: z
      .literal('none')
      .transform(() => [] as ('admin' | 'graphiql')[])
      .or(exemptions)
      .default(defaultTrustedDocumentsConfig.exempt),
    TRUSTED_DOCUMENTS_CACHE_TTL_MS: z.coerce
      .number()
      .int()
      .min(0)
      .max(86_400_000)
      .default(defaultTrustedDocumentsConfig.cacheTtlMs),
    PLANNED_EXECUTION: z
      .enum(['on', 'off'])
      .default('on')
      .transform((v) => v === 'on'),
    PLAN_CACHE_SIZE: z.coerce.number().int().min(0).max(100_000).default(defaultPlannerConfig.cacheSize),
    TRUSTED_DOCUMENTS_APQ_CACHE_SIZE: z.coerce
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(defaultTrustedDocumentsConfig.persistedQueriesMax),
    REVENUECAT_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    SUBSCRIPTION_EXPIRY_GRACE_MS: z.coerce
      .number()
      .int()
      .min(0)
      .max(7 * 86_400_000)
      .default(3_600_000),
    ADMIN_EMAILS: z
      .string()
      .transform((text) =>
        text
          .split(',')
          .map((e) => e.trim().toLowerCase())
          .filter((e) => e.length > 0),
      )
      .pipe(z.array(z.email('must be a comma-separated list of email addresses')))
      .default([]),
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    OTEL_EXPORTER_OTLP_ENDPOINT: z
      .string()
      .regex(/^https?:\/\//, 'must be an http:// or https:// URL')
      .optional(),
    OTEL_SERVICE_NAME: z.string().min(1).default('study-planner-api'),
    OTEL_TRACES_SAMPLER: z.enum(TRACES_SAMPLERS).default('parentbased_traceidratio'),
    OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(0.1),
    ERROR_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    READY_OUTBOX_LAG_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
    READY_DEAD_LETTERS: z.coerce.number().int().min(1).max(1_000_000).default(1),
    DATABASE_CONNECTION_TIMEOUT_MS: ms(600_000, defaultHardening.database.connectTimeoutMs),
    DATABASE_STATEMENT_TIMEOUT_MS: ms(3_600_000, defaultHardening.database.statementTimeoutMs),
    DATABASE_TRANSACTION_WAIT_MS: ms(600_000, defaultHardening.database.transactionWaitMs),
    DATABASE_TRANSACTION_TIMEOUT_MS: ms(3_600_000, defaultHardening.database.transactionTimeoutMs),
    EVENT_HANDLER_TIMEOUT_MS: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
    RATE_LIMITS: flag.default(true),
    RATE_LIMIT_SIGN_IN_ACCOUNT_IP: rate.optional(),
    RATE_LIMIT_SIGN_IN_ACCOUNT: rate.optional(),
    RATE_LIMIT_SIGN_IN_IP: rate.optional(),
    SIGN_IN_LOCKOUT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
    RATE_LIMIT_SIGN_UP_IP: rate.optional(),
    RATE_LIMIT_MUTATIONS_USER: rate.optional(),
    MUTATIONS_IN_FLIGHT_PER_USER: z.coerce.number().int().min(1).max(1000).default(8),
    RATE_LIMIT_WS_CONNECTIONS_IP: rate.optional(),
    TRUST_PROXY: flag.default(false),
    WS_INIT_TIMEOUT_MS: ms(600_000, defaultHardening.ws.initTimeoutMs),
    WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().min(1).max(10_000).default(25),
    WS_MAX_CONNECTIONS_PER_USER: z.coerce.number().int().min(1).max(10_000).default(10),
    WS_AUTH_RECHECK_MS: z.coerce.number().int().min(100).max(3_600_000).default(15_000),
    HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
    HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(10_000),
    INTROSPECTION: flag.optional(),
    CORS_ORIGINS: z.string().optional(),
    CORS_CREDENTIALS: flag.default(false),
    OPERATOR_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production') {
      if (!env.JWT_SECRET) ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required in production' });
      if (!env.DATABASE_URL)
        ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'is required in production' });
      // Sign-up mails and notifications would silently go nowhere: refuse to start instead, unless
      // MAIL_TRANSPORT=log says so on purpose (a staging box, a benchmark).
      if (!env.SMTP_URL && env.MAIL_TRANSPORT !== 'log') {
        ctx.addIssue({
          code: 'custom',
          path: ['SMTP_URL'],
          message: 'is required in production (or MAIL_TRANSPORT=log to only log mails)',
        });
      }
    }
  });

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
  /** `transport: 'log'`: mails are logged, not sent (smtpUrl is then null). */
  mail: { smtpUrl: string | null; from: string; transport: 'smtp' | 'log' };
  redisUrl: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  events: { maxAttempts: number; pollIntervalMs: number; retentionDays: number };
  /** Soft-deleted rows are purged (hard-deleted) after `retentionDays`. */
  purge: { retentionDays: number };
  /** Scheduled jobs: cron expressions by job name, replacing each job's default (src/jobs). */
  jobs: { schedules: Record<string, string> };
  graphiql: boolean;
  shutdownTimeoutMs: number;
  /**
   * RevenueCat: the Authorization value its webhooks carry (null: the webhook answers 503), and
   * the job that downgrades PREMIUM accounts whose expiry passed `expiryGraceMs` ago unrenewed.
   */
  billing: { revenueCatWebhookSecret: string | null; expiryGraceMs: number };
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
    mutationsUser: Rate;
    /** Mutations of one user running at once on a replica: more wait their turn elsewhere (RATE_LIMITED, retry in 1 s). */
    mutationsInFlightUser: number;
    wsConnectionsIp: Rate;
  } | null;
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
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment (process.env in main, a literal object in tests). Throws ConfigError. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // An empty variable means "unset", as in most deployment tools.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'} ${i.message}`));
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL ?? null,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databasePreparedStatements: e.DATABASE_PREPARED_STATEMENTS,
    viewerCacheTtlMs: e.VIEWER_CACHE_TTL_MS,
    databaseConnectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS,
    dataDir: e.DATA_DIR,
    embeddedDbDir: e.EMBEDDED_DB_DIR ?? path.join(e.DATA_DIR, 'pglite'),
    jwt: {
      secret: e.JWT_SECRET ?? randomBytes(32).toString('base64url'),
      expiresIn: e.JWT_EXPIRES_IN,
      generated: !e.JWT_SECRET,
    },
    mail: {
      smtpUrl: e.MAIL_TRANSPORT === 'log' ? null : (e.SMTP_URL ?? null),
      from: e.MAIL_FROM,
      transport: e.MAIL_TRANSPORT ?? (e.SMTP_URL ? 'smtp' : 'log'),
    },
    redisUrl: e.REDIS_URL ?? null,
    logLevel: e.LOG_LEVEL,
    events: {
      maxAttempts: e.EVENT_MAX_ATTEMPTS,
      pollIntervalMs: e.EVENT_POLL_INTERVAL_MS,
      retentionDays: e.EVENT_RETENTION_DAYS,
    },
    purge: { retentionDays: e.DELETED_RETENTION_DAYS },
    jobs: { schedules: e.JOB_SCHEDULES },
    graphiql: e.GRAPHIQL ?? e.NODE_ENV !== 'production',
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    billing: {
      revenueCatWebhookSecret: e.REVENUECAT_WEBHOOK_SECRET ?? null,
      expiryGraceMs: e.SUBSCRIPTION_EXPIRY_GRACE_MS,
    },
    adminEmails: e.ADMIN_EMAILS,
    versioning: {
      sunsetPolicy: e.DEPRECATION_SUNSET_POLICY,
      clientVersions: e.CLIENT_VERSIONS,
      usageFlushIntervalMs: e.DEPRECATION_USAGE_FLUSH_INTERVAL_MS,
    },
    trustedDocuments: {
      mode: e.TRUSTED_DOCUMENTS,
      exempt: e.TRUSTED_DOCUMENTS_EXEMPT,
      cacheTtlMs: e.TRUSTED_DOCUMENTS_CACHE_TTL_MS,
      persistedQueriesMax: e.TRUSTED_DOCUMENTS_APQ_CACHE_SIZE,
    },
    planner: { enabled: e.PLANNED_EXECUTION, cacheSize: e.PLAN_CACHE_SIZE },
    metrics: {
      enabled: e.METRICS_PORT !== undefined || e.METRICS_TOKEN !== undefined || e.NODE_ENV !== 'production',
      token: e.METRICS_TOKEN ?? null,
      port: e.METRICS_PORT ?? null,
    },
    tracing: {
      otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT ?? null,
      serviceName: e.OTEL_SERVICE_NAME,
      sampler: { name: e.OTEL_TRACES_SAMPLER, ratio: e.OTEL_TRACES_SAMPLER_ARG },
    },
    errorLog: { retentionDays: e.ERROR_LOG_RETENTION_DAYS },
    readiness: { outboxLagSeconds: e.READY_OUTBOX_LAG_SECONDS, deadLetters: e.READY_DEAD_LETTERS },
    database: {
      connectTimeoutMs: e.DATABASE_CONNECTION_TIMEOUT_MS,
      statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
      transactionWaitMs: e.DATABASE_TRANSACTION_WAIT_MS,
      transactionTimeoutMs: e.DATABASE_TRANSACTION_TIMEOUT_MS,
    },
    eventHandlerTimeoutMs: e.EVENT_HANDLER_TIMEOUT_MS,
    rateLimits: e.RATE_LIMITS
      ? {
          signInAccountIp: e.RATE_LIMIT_SIGN_IN_ACCOUNT_IP ?? defaultHardening.rateLimits.signInAccountIp,
          signInAccount: e.RATE_LIMIT_SIGN_IN_ACCOUNT ?? defaultHardening.rateLimits.signInAccount,
          signInIp: e.RATE_LIMIT_SIGN_IN_IP ?? defaultHardening.rateLimits.signInIp,
          signInLockoutSeconds: e.SIGN_IN_LOCKOUT_SECONDS,
          signUpIp: e.RATE_LIMIT_SIGN_UP_IP ?? defaultHardening.rateLimits.signUpIp,
          mutationsUser: e.RATE_LIMIT_MUTATIONS_USER ?? defaultHardening.rateLimits.mutationsUser,
          mutationsInFlightUser: e.MUTATIONS_IN_FLIGHT_PER_USER,
          wsConnectionsIp: e.RATE_LIMIT_WS_CONNECTIONS_IP ?? defaultHardening.rateLimits.wsConnectionsIp,
        }
      : null,
    trustProxy: e.TRUST_PROXY,
    ws: {
      initTimeoutMs: e.WS_INIT_TIMEOUT_MS,
      maxSubscriptionsPerConnection: e.WS_MAX_SUBSCRIPTIONS_PER_CONNECTION,
      maxConnectionsPerUser: e.WS_MAX_CONNECTIONS_PER_USER,
      authRecheckMs: e.WS_AUTH_RECHECK_MS,
    },
    http: { requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS, headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS },
    introspection: e.INTROSPECTION ?? e.NODE_ENV !== 'production',
    cors: {
      origins: e.CORS_ORIGINS
        ? e.CORS_ORIGINS.split(',')
            .map((o) => o.trim())
            .filter(Boolean)
        : null,
      credentials: e.CORS_CREDENTIALS,
    },
    operatorToken: e.OPERATOR_TOKEN ?? null,
    production: e.NODE_ENV === 'production',
  };
}

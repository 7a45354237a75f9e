import { z } from 'zod';
import { Cron } from 'croner';
import { DEFAULT_DB_TIMEOUTS } from '../db/timeouts.js';
import { compareVersions, parseVersion, SEMVER } from '../versioning/client-status.js';
import { TRACES_SAMPLERS, type Config } from './types.js';
import { pushConfigProblems, pushEnvShape } from './push.js';

/* The environment variables, their checks and defaults (docs/configuration.md). */

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

/** A variable holding JSON: parsed, or one issue showing an example of what it takes. */
const jsonText = (example: string) =>
  z.string().transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be JSON such as ${example}` });
      return z.NEVER;
    }
  });

/** CLIENT_VERSIONS: `{"ios":{"min":"2.0.0","deprecatedBelow":"2.3.0"}}`, one rule per client name. */
const clientVersions = jsonText('{"ios":{"min":"2.0.0","deprecatedBelow":"2.3.0"}}').pipe(
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
const jobSchedules = jsonText('{"reminders":"* * * * *"}').pipe(
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

/** A duration such as 15m, 12h or 30d (s, m, h, d, w). */
const duration = z.string().regex(/^\d+\s*(s|m|h|d|w)$/, 'must be a duration such as 15m, 12h or 30d');

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
/** A duration such as 30m, 24h or 7d, in seconds. */
const durationInSeconds = z
  .string()
  .regex(/^\d+\s*(s|m|h|d|w)$/, 'must be a duration such as 30m, 24h or 7d')
  .transform((text) => {
    const [, amount, unit] = /^(\d+)\s*(s|m|h|d|w)$/.exec(text)!;
    return Number(amount) * { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[unit as 's' | 'm' | 'h' | 'd' | 'w'];
  });
/** A comma-separated list (blanks dropped). */
const list = z.string().transform((text) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const httpUrl = z.string().regex(/^https?:\/\//, 'must be an http:// or https:// URL');
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
const ms = (max: number, fallback: number) => z.coerce.number().int().min(0).max(max).default(fallback);

/** The defaults of the hardening settings (docs/hardening.md), used where a test builds parts alone. */
export const defaultHardening = {
  database: DEFAULT_DB_TIMEOUTS,
  rateLimits: {
    signInAccountIp: { points: 5, durationSeconds: 900 },
    signInAccount: { points: 100, durationSeconds: 3600 },
    signInIp: { points: 50, durationSeconds: 900 },
    signInLockoutSeconds: 60,
    signUpIp: { points: 10, durationSeconds: 3600 },
    refreshSessionIp: { points: 100, durationSeconds: 60 },
    passwordResetEmail: { points: 3, durationSeconds: 3600 },
    passwordResetIp: { points: 20, durationSeconds: 3600 },
    mutationsUser: { points: 300, durationSeconds: 60 },
    mutationsInFlightUser: 8,
    wsConnectionsIp: { points: 60, durationSeconds: 60 },
    verificationEmailUser: { points: 3, durationSeconds: 3600 },
    idTokenSignInIp: { points: 30, durationSeconds: 900 },
    verifyEmailIp: { points: 30, durationSeconds: 900 },
    calendarFeedToken: { points: 60, durationSeconds: 3600 },
  },
  ws: { initTimeoutMs: 5_000, maxSubscriptionsPerConnection: 25, maxConnectionsPerUser: 10, authRecheckMs: 15_000 },
  http: { requestTimeoutMs: 30_000, headersTimeoutMs: 10_000 },
} satisfies Pick<Config, 'database' | 'rateLimits' | 'ws' | 'http'>;

/**
 * The process environment, parsed and validated once. Nothing else reads process.env:
 * modules take what they need from the Config they are given.
 */
export const envSchema = z
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
    ACCESS_TOKEN_TTL: duration.default('15m'),
    REFRESH_TOKEN_TTL: duration.default('30d'),
    PASSWORD_RESET_URL: z
      .string()
      .regex(/^https?:\/\//, 'must be an http:// or https:// URL')
      .default('http://localhost:3000/reset-password'),
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
    SYNC_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
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
    REVENUECAT_WEBHOOK_SIGNING_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
    REVENUECAT_NON_RENEWING_DAYS: jsonText('{"premium_semester":180}')
      .pipe(z.record(z.string().min(1).max(500), z.number().int().min(1).max(36_500)))
      .default({}),
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
    RATE_LIMIT_REFRESH_SESSION_IP: rate.optional(),
    RATE_LIMIT_RESET_EMAIL: rate.optional(),
    RATE_LIMIT_RESET_IP: rate.optional(),
    RATE_LIMIT_MUTATIONS_USER: rate.optional(),
    MUTATIONS_IN_FLIGHT_PER_USER: z.coerce.number().int().min(1).max(1000).default(8),
    RATE_LIMIT_WS_CONNECTIONS_IP: rate.optional(),
    RATE_LIMIT_VERIFICATION_EMAIL: rate.optional(),
    RATE_LIMIT_ID_TOKEN_SIGN_IN_IP: rate.optional(),
    RATE_LIMIT_VERIFY_EMAIL_IP: rate.optional(),
    EMAIL_VERIFICATION_TTL: durationInSeconds.default(86_400),
    EMAIL_VERIFICATION_URL: z
      .string()
      .regex(/^https?:\/\//, 'must be an http:// or https:// URL')
      .optional(),
    APPLE_CLIENT_IDS: list.default([]),
    GOOGLE_CLIENT_IDS: list.default([]),
    APPLE_JWKS_URL: httpUrl.default('https://appleid.apple.com/auth/keys'),
    GOOGLE_JWKS_URL: httpUrl.default('https://www.googleapis.com/oauth2/v3/certs'),
    APPLE_NONCE: z.enum(['sha256', 'raw', 'either']).default('sha256'),
    ID_TOKEN_JWKS_COOLDOWN_MS: ms(3_600_000, 30_000),
    RATE_LIMIT_CALENDAR_FEED: rate.optional(),
    PUBLIC_URL: z
      .string()
      .regex(/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/, 'must be an http:// or https:// URL without a query')
      .transform((url) => url.replace(/\/+$/, ''))
      .optional(),
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
    // Push providers (src/config/push.ts, docs/push.md).
    ...pushEnvShape,
  })
  .superRefine((env, ctx) => {
    for (const p of pushConfigProblems(env)) ctx.addIssue({ code: 'custom', path: [p.path], message: p.message });
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

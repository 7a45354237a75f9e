import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { compareVersions, parseVersion, SEMVER, type ClientVersionTable } from './versioning/client-status.js';

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

/** The versioning settings when none are given (the defaults of the variables below). */
export const defaultVersioningConfig: Config['versioning'] = {
  sunsetPolicy: 'warn',
  clientVersions: {},
  usageFlushIntervalMs: 30_000,
};

/** How long a signed-in account's lookup is reused (VIEWER_CACHE_TTL_MS). */
export const DEFAULT_VIEWER_CACHE_TTL_MS = 30_000;

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
    MAIL_FROM: z.string().min(3).default('Study Planner <no-reply@study-planner.local>'),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// URL')
      .optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    EVENT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
    EVENT_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(600_000).default(2_000),
    EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(7),
    OUTBOX_PRUNE_INTERVAL_MS: z.coerce.number().int().min(1000).max(86_400_000).default(3_600_000),
    DELETED_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    PURGE_INTERVAL_MS: z.coerce.number().int().min(1000).max(86_400_000).default(3_600_000),
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
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production') {
      if (!env.JWT_SECRET) ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required in production' });
      if (!env.DATABASE_URL)
        ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'is required in production' });
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
  mail: { smtpUrl: string | null; from: string };
  redisUrl: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  events: { maxAttempts: number; pollIntervalMs: number; retentionDays: number; pruneIntervalMs: number };
  /** Soft-deleted rows are purged (hard-deleted) after `retentionDays`. */
  purge: { retentionDays: number; intervalMs: number };
  graphiql: boolean;
  shutdownTimeoutMs: number;
  /** Schema evolution: what happens past a sunset, minimum client versions, usage batching. */
  versioning: {
    sunsetPolicy: 'warn' | 'reject';
    clientVersions: ClientVersionTable;
    usageFlushIntervalMs: number;
  };
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
    mail: { smtpUrl: e.SMTP_URL ?? null, from: e.MAIL_FROM },
    redisUrl: e.REDIS_URL ?? null,
    logLevel: e.LOG_LEVEL,
    events: {
      maxAttempts: e.EVENT_MAX_ATTEMPTS,
      pollIntervalMs: e.EVENT_POLL_INTERVAL_MS,
      retentionDays: e.EVENT_RETENTION_DAYS,
      pruneIntervalMs: e.OUTBOX_PRUNE_INTERVAL_MS,
    },
    purge: { retentionDays: e.DELETED_RETENTION_DAYS, intervalMs: e.PURGE_INTERVAL_MS },
    graphiql: e.GRAPHIQL ?? e.NODE_ENV !== 'production',
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    versioning: {
      sunsetPolicy: e.DEPRECATION_SUNSET_POLICY,
      clientVersions: e.CLIENT_VERSIONS,
      usageFlushIntervalMs: e.DEPRECATION_USAGE_FLUSH_INTERVAL_MS,
    },
  };
}

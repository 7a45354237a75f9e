import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { defaultHardening, envSchema } from './config/env.js';
export { defaultPushConfig, type PushConfig } from './config/push.js';
import type { Config } from './config/types.js';
import { pushConfigFrom } from './config/push.js';

export * from './config/types.js';
export {
  DEFAULT_VIEWER_CACHE_TTL_MS,
  defaultHardening,
  defaultPlannerConfig,
  defaultTrustedDocumentsConfig,
  defaultVersioningConfig,
} from './config/env.js';

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
  const parsed = envSchema.safeParse(present);
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
    sessions: {
      accessTokenTtl: e.ACCESS_TOKEN_TTL,
      refreshTokenTtl: e.REFRESH_TOKEN_TTL,
      passwordResetUrl: e.PASSWORD_RESET_URL,
    },
    mail: {
      smtpUrl: e.MAIL_TRANSPORT === 'log' ? null : (e.SMTP_URL ?? null),
      from: e.MAIL_FROM,
      transport: e.MAIL_TRANSPORT ?? (e.SMTP_URL ? 'smtp' : 'log'),
    },
    emailVerification: {
      ttlSeconds: e.EMAIL_VERIFICATION_TTL,
      url: e.EMAIL_VERIFICATION_URL ?? null,
    },
    identityProviders: {
      APPLE: { clientIds: e.APPLE_CLIENT_IDS, jwksUrl: e.APPLE_JWKS_URL, nonce: e.APPLE_NONCE },
      GOOGLE: { clientIds: e.GOOGLE_CLIENT_IDS, jwksUrl: e.GOOGLE_JWKS_URL },
      jwksCooldownMs: e.ID_TOKEN_JWKS_COOLDOWN_MS,
    },
    redisUrl: e.REDIS_URL ?? null,
    logLevel: e.LOG_LEVEL,
    events: {
      maxAttempts: e.EVENT_MAX_ATTEMPTS,
      pollIntervalMs: e.EVENT_POLL_INTERVAL_MS,
      retentionDays: e.EVENT_RETENTION_DAYS,
    },
    purge: { retentionDays: e.DELETED_RETENTION_DAYS },
    sync: { retentionDays: e.SYNC_LOG_RETENTION_DAYS },
    jobs: { schedules: e.JOB_SCHEDULES },
    graphiql: e.GRAPHIQL ?? e.NODE_ENV !== 'production',
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    billing: {
      revenueCatWebhookSecret: e.REVENUECAT_WEBHOOK_SECRET ?? null,
      revenueCatSigningKey: e.REVENUECAT_WEBHOOK_SIGNING_KEY ?? null,
      nonRenewingDays: e.REVENUECAT_NON_RENEWING_DAYS,
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
          refreshSessionIp: e.RATE_LIMIT_REFRESH_SESSION_IP ?? defaultHardening.rateLimits.refreshSessionIp,
          passwordResetEmail: e.RATE_LIMIT_RESET_EMAIL ?? defaultHardening.rateLimits.passwordResetEmail,
          passwordResetIp: e.RATE_LIMIT_RESET_IP ?? defaultHardening.rateLimits.passwordResetIp,
          mutationsUser: e.RATE_LIMIT_MUTATIONS_USER ?? defaultHardening.rateLimits.mutationsUser,
          mutationsInFlightUser: e.MUTATIONS_IN_FLIGHT_PER_USER,
          wsConnectionsIp: e.RATE_LIMIT_WS_CONNECTIONS_IP ?? defaultHardening.rateLimits.wsConnectionsIp,
          verificationEmailUser: e.RATE_LIMIT_VERIFICATION_EMAIL ?? defaultHardening.rateLimits.verificationEmailUser,
          idTokenSignInIp: e.RATE_LIMIT_ID_TOKEN_SIGN_IN_IP ?? defaultHardening.rateLimits.idTokenSignInIp,
          verifyEmailIp: e.RATE_LIMIT_VERIFY_EMAIL_IP ?? defaultHardening.rateLimits.verifyEmailIp,
          calendarFeedToken: e.RATE_LIMIT_CALENDAR_FEED ?? defaultHardening.rateLimits.calendarFeedToken,
        }
      : null,
    trustProxy: e.TRUST_PROXY,
    publicUrl: e.PUBLIC_URL ?? null,
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
    push: pushConfigFrom(e),
  };
}

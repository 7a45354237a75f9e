import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../src/config.js';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('config', () => {
  it('has working defaults for development, with a generated JWT secret', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ env: 'development', port: 4000, databaseUrl: null, graphiql: true });
    expect(config.jwt.generated).toBe(true);
    expect(config.jwt.secret.length).toBeGreaterThanOrEqual(32);
  });

  it('names each bad variable', () => {
    expect(problems({ PORT: 'eighty' })).toEqual([expect.stringMatching(/^PORT /)]);
    expect(problems({ DATABASE_URL: 'mysql://x' })).toEqual(['DATABASE_URL must be a postgresql:// connection string']);
    expect(problems({ JWT_SECRET: 'short' })).toEqual(['JWT_SECRET must be at least 32 characters']);
    expect(problems({ JWT_EXPIRES_IN: 'forever', LOG_LEVEL: 'loud' })).toHaveLength(2);
  });

  it('requires JWT_SECRET, DATABASE_URL and SMTP_URL in production', () => {
    expect(problems({ NODE_ENV: 'production' }).sort()).toEqual([
      'DATABASE_URL is required in production',
      'JWT_SECRET is required in production',
      'SMTP_URL is required in production (or MAIL_TRANSPORT=log to only log mails)',
    ]);
    const config = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(32),
      DATABASE_URL: 'postgresql://db/app',
      SMTP_URL: 'smtp://mail:25',
    });
    expect(config).toMatchObject({
      graphiql: false,
      introspection: false,
      production: true,
      cors: { origins: null, credentials: false },
      jwt: { generated: false },
    });
  });

  it('prepares statements unless DATABASE_PREPARED_STATEMENTS=false, and caches accounts for 30 s', () => {
    expect(loadConfig({})).toMatchObject({ databasePreparedStatements: true, viewerCacheTtlMs: 30_000 });
    expect(loadConfig({ DATABASE_PREPARED_STATEMENTS: 'false', VIEWER_CACHE_TTL_MS: '0' })).toMatchObject({
      databasePreparedStatements: false,
      viewerCacheTtlMs: 0,
    });
    expect(problems({ DATABASE_PREPARED_STATEMENTS: 'yes', VIEWER_CACHE_TTL_MS: '-1' })).toHaveLength(2);
  });

  it('reads TRUSTED_DOCUMENTS (allow by default) and who may still send text under require', () => {
    expect(loadConfig({}).trustedDocuments).toEqual({
      mode: 'allow',
      exempt: ['admin', 'graphiql'],
      cacheTtlMs: 60_000,
      persistedQueriesMax: 1_000,
    });
    expect(
      loadConfig({
        TRUSTED_DOCUMENTS: 'require',
        TRUSTED_DOCUMENTS_EXEMPT: 'admin',
        TRUSTED_DOCUMENTS_CACHE_TTL_MS: '0',
        TRUSTED_DOCUMENTS_APQ_CACHE_SIZE: '50',
      }).trustedDocuments,
    ).toEqual({ mode: 'require', exempt: ['admin'], cacheTtlMs: 0, persistedQueriesMax: 50 });
    expect(loadConfig({ TRUSTED_DOCUMENTS_EXEMPT: 'none' }).trustedDocuments.exempt).toEqual([]);
    expect(
      problems({
        TRUSTED_DOCUMENTS: 'strict',
        TRUSTED_DOCUMENTS_EXEMPT: 'admin,bots',
        TRUSTED_DOCUMENTS_APQ_CACHE_SIZE: '0',
      }),
    ).toEqual([
      expect.stringMatching(/^TRUSTED_DOCUMENTS /),
      expect.stringMatching(/^TRUSTED_DOCUMENTS_EXEMPT/),
      expect.stringMatching(/^TRUSTED_DOCUMENTS_APQ_CACHE_SIZE/),
    ]);
  });

  it('keeps development state under DATA_DIR and waits 30 s for an unreachable database', () => {
    expect(loadConfig({})).toMatchObject({
      dataDir: '.data',
      embeddedDbDir: '.data/pglite',
      databaseConnectTimeoutMs: 30_000,
    });
    expect(loadConfig({ DATA_DIR: '/var/sp', DATABASE_CONNECT_TIMEOUT_MS: '0' })).toMatchObject({
      embeddedDbDir: '/var/sp/pglite',
      databaseConnectTimeoutMs: 0,
    });
    expect(loadConfig({ DATA_DIR: '/var/sp', EMBEDDED_DB_DIR: '/db' })).toMatchObject({ embeddedDbDir: '/db' });
  });

  it('parses rates as count/window and refuses other shapes', () => {
    expect(loadConfig({ RATE_LIMIT_SIGN_UP_IP: '3/2h' }).rateLimits?.signUpIp).toEqual({
      points: 3,
      durationSeconds: 7200,
    });
    expect(loadConfig({ RATE_LIMITS: 'false' }).rateLimits).toBeNull();
    expect(problems({ RATE_LIMIT_SIGN_IN_IP: 'lots' })).toEqual([
      'RATE_LIMIT_SIGN_IN_IP must be a rate such as 5/15m (count/window in s, m or h)',
    ]);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' })).toMatchObject({ port: 4000, databaseUrl: null });
  });

  it('takes a cron expression per job in JOB_SCHEDULES and names a bad one', () => {
    expect(loadConfig({}).jobs.schedules).toEqual({});
    expect(
      loadConfig({ JOB_SCHEDULES: '{"reminders":"*/30 * * * * *","billing":"0 3 * * *"}' }).jobs.schedules,
    ).toEqual({
      reminders: '*/30 * * * * *',
      billing: '0 3 * * *',
    });
    expect(problems({ JOB_SCHEDULES: '{"reminders":"every minute"}' })).toEqual([
      expect.stringMatching(/^JOB_SCHEDULES\.reminders is not a cron expression/),
    ]);
    expect(problems({ JOB_SCHEDULES: 'nope' })).toEqual([expect.stringMatching(/^JOB_SCHEDULES must be JSON/)]);
  });

  it('never serves metrics openly in production: only behind METRICS_TOKEN or on METRICS_PORT', () => {
    const prod = {
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(32),
      DATABASE_URL: 'postgresql://db/app',
      MAIL_TRANSPORT: 'log',
    };
    expect(loadConfig(prod).metrics).toEqual({ enabled: false, token: null, port: null });
    expect(loadConfig({ ...prod, METRICS_TOKEN: 't'.repeat(16) }).metrics).toEqual({
      enabled: true,
      token: 't'.repeat(16),
      port: null,
    });
    expect(loadConfig({ ...prod, METRICS_PORT: '9464' }).metrics).toEqual({ enabled: true, token: null, port: 9464 });
    expect(loadConfig({}).metrics.enabled).toBe(true);
    expect(problems({ METRICS_TOKEN: 'short' })).toEqual(['METRICS_TOKEN must be at least 16 characters']);
  });

  it('traces only with an OTLP endpoint, by default parent-based with one new trace in ten', () => {
    expect(loadConfig({}).tracing).toEqual({
      otlpEndpoint: null,
      serviceName: 'study-planner-api',
      sampler: { name: 'parentbased_traceidratio', ratio: 0.1 },
    });
    expect(loadConfig({ OTEL_TRACES_SAMPLER: 'always_on' }).tracing.sampler).toEqual({ name: 'always_on', ratio: 0.1 });
    expect(loadConfig({ OTEL_TRACES_SAMPLER_ARG: '0.25' }).tracing.sampler).toEqual({
      name: 'parentbased_traceidratio',
      ratio: 0.25,
    });
    expect(problems({ OTEL_TRACES_SAMPLER: 'sometimes' })[0]).toMatch(/^OTEL_TRACES_SAMPLER /);
    expect(problems({ OTEL_TRACES_SAMPLER_ARG: '2' })[0]).toMatch(/^OTEL_TRACES_SAMPLER_ARG /);
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracing.otlpEndpoint).toBe(
      'http://collector:4318',
    );
    expect(problems({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toEqual([
      'OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL',
    ]);
  });
});

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
});

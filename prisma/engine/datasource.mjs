// Connection URLs: Prisma's postgres URL dialect -> node-postgres config, and the rewrites the
// bridge needs (throwaway shadow databases, the maintenance database for CREATE DATABASE).

/** Query parameters that only mean something to Prisma's own engines; node-postgres must not see them. */
const PRISMA_ONLY_PARAMS = [
  'schema',
  'connection_limit',
  'pool_timeout',
  'pgbouncer',
  'statement_cache_size',
  'socket_timeout',
  'connect_timeout',
  'sslaccept',
  'single_use_connections',
  'max_connection_lifetime',
  'max_idle_connection_lifetime',
  'sslidentity',
  'sslpassword',
];

/**
 * Parses a datasource URL. Throws an error with a P1013 code (as the native engine does) when it is
 * not a PostgreSQL URL this bridge can serve.
 */
export function parseDatasourceUrl(url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    throw userFacingUrlError('the URL could not be parsed');
  }
  if (parsed.protocol !== 'postgresql:' && parsed.protocol !== 'postgres:') {
    throw userFacingUrlError(
      `the wasm schema-engine bridge only supports postgresql:// URLs (got ${parsed.protocol}//). ` +
        'Set PRISMA_NATIVE_ENGINE=1 to use the native engine',
    );
  }
  const params = parsed.searchParams;
  const socketHost = params.get('host');
  const host = decodeURIComponent(parsed.hostname || '') || socketHost || 'localhost';
  const port = Number(parsed.port || params.get('port') || 5432);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres';
  const user = decodeURIComponent(parsed.username || '') || process.env.PGUSER || process.env.USER || 'postgres';
  const schema = params.get('schema') || undefined;
  const connectTimeoutSeconds = Number(params.get('connect_timeout') ?? 5);
  const acceptInvalidCerts = params.get('sslaccept') === 'accept_invalid_certs';

  const clean = new URL(parsed.href);
  for (const name of PRISMA_ONLY_PARAMS) clean.searchParams.delete(name);

  const pgConfig = {
    connectionString: clean.href,
    // 0 means "no timeout" for both Prisma and node-postgres.
    connectionTimeoutMillis: Number.isFinite(connectTimeoutSeconds) ? connectTimeoutSeconds * 1000 : 5000,
    application_name: params.get('application_name') || 'prisma-schema-engine-wasm-bridge',
  };
  if (schema) pgConfig.options = `-c search_path=${quoteIdent(schema)}`;
  if (acceptInvalidCerts) pgConfig.ssl = { rejectUnauthorized: false };

  return { url, host, port, database, user, schema, pgConfig };
}

/** The same server and credentials, another database (for throwaway shadow databases). */
export function withDatabase(info, database) {
  const next = new URL(info.url);
  next.pathname = `/${encodeURIComponent(database)}`;
  return parseDatasourceUrl(next.href);
}

/** True when two URLs name the same database on the same server (the shadow database must differ). */
export function sameDatabase(a, b) {
  const norm = (h) => (h === '127.0.0.1' || h === '::1' || h === '[::1]' ? 'localhost' : h.toLowerCase());
  return norm(a.host) === norm(b.host) && a.port === b.port && a.database === b.database;
}

export function quoteIdent(name) {
  return `"${String(name).replaceAll('"', '""')}"`;
}

function userFacingUrlError(details) {
  const err = new Error(
    `The provided database string is invalid. ${details}. Please refer to the documentation in ` +
      'https://www.prisma.io/docs/reference/database-reference/connection-urls for constructing a correct connection string.',
  );
  err.code = 'P1013';
  err.meta = { details };
  return err;
}

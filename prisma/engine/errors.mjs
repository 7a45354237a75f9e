// Error shapes the Prisma CLI understands.
//
// RPC errors: {code, message, data: {is_panic, message, error_code?, meta?}} (the CLI prints
// `error_code` + `message`, and treats is_panic as a crash). The wasm engine throws JS errors:
// user-facing ones carry `code` (P3xxx...), panics are WebAssembly `RuntimeError`s whose message is
// in PRISMA_WASM_PANIC_REGISTRY, everything else is a `SchemaConnectorError` with a plain message.

/** The JSON-RPC error code the native engine uses for every engine error. */
const ENGINE_ERROR = 4466;

export function userFacingError(code, message, meta = {}) {
  const err = new Error(message);
  err.code = code;
  err.meta = meta;
  return err;
}

export function isPanic(err) {
  return err?.name === 'RuntimeError';
}

/** Serializes any thrown value into the `error` member of a JSON-RPC response. */
export function toRpcError(err) {
  if (isPanic(err)) {
    const message = globalThis.PRISMA_WASM_PANIC_REGISTRY?.get?.() || String(err?.message ?? err);
    return {
      code: -32603,
      message,
      data: { is_panic: true, message, backtrace: String(err?.stack ?? '') },
    };
  }
  const message = String(err?.message ?? err);
  if (typeof err?.code === 'string' && /^P\d{4}$/.test(err.code)) {
    return {
      code: ENGINE_ERROR,
      message: 'An error happened. Check the data field for details.',
      data: { is_panic: false, message, meta: err.meta ?? {}, error_code: err.code },
    };
  }
  return {
    code: ENGINE_ERROR,
    message: 'An error happened. Check the data field for details.',
    data: { is_panic: false, message, backtrace: null },
  };
}

/**
 * Maps a node-postgres connection/driver error to the user-facing error the native engine reports
 * (P1000 authentication, P1001 unreachable, P1003 database missing, P1010 access denied), or
 * returns undefined when it is not a connection error.
 */
export function connectionError(err, info) {
  const { host, port, database, user } = info;
  const code = err?.code;
  switch (code) {
    case '3D000':
      return userFacingError(
        'P1003',
        `Database \`${database}\` does not exist on the database server at \`${host}:${port}\`.`,
        { database_name: database, database_host: host, database_port: port },
      );
    case '28P01':
      return userFacingError(
        'P1000',
        `Authentication failed against database server at \`${host}\`, the provided database credentials for \`${user}\` are not valid.\n\n` +
          `Please make sure to provide valid database credentials for the database server at \`${host}\`.`,
        { database_user: user, database_host: host },
      );
    case '28000':
      return userFacingError('P1010', `User \`${user}\` was denied access on the database \`${database}\``, {
        database_user: user,
        database_name: database,
      });
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
    case 'ECONNRESET':
    case 'ENOENT': // unix socket path
      return unreachable(host, port);
    default:
      // node-postgres reports its own connect timeout as a plain Error.
      if (/timeout expired|Connection terminated due to connection timeout/i.test(String(err?.message))) {
        return unreachable(host, port);
      }
      return undefined;
  }
}

function unreachable(host, port) {
  return userFacingError(
    'P1001',
    `Can't reach database server at \`${host}\`:\`${port}\`\n\nPlease make sure your database server is running at \`${host}\`:\`${port}\`.`,
    { database_host: host, database_port: port },
  );
}

/**
 * P3018, as the native engine reports a migration script that failed. The wasm engine only says
 * "external connector error"; the bridge remembers the PostgreSQL error of the failed script.
 */
export function migrationFailedError(migrationName, pgError) {
  const databaseErrorCode = typeof pgError?.code === 'string' ? pgError.code : 'none';
  let databaseError = pgError?.severity
    ? `${pgError.severity}: ${pgError.message}`
    : String(pgError?.message ?? pgError);
  if (pgError?.detail) databaseError += `\nDETAIL: ${pgError.detail}`;
  if (pgError?.hint) databaseError += `\nHINT: ${pgError.hint}`;
  if (pgError?.where) databaseError += `\nCONTEXT: ${pgError.where}`;
  return userFacingError(
    'P3018',
    'A migration failed to apply. New migrations cannot be applied before the error is recovered from. ' +
      'Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve\n\n' +
      `Migration name: ${migrationName}\n\nDatabase error code: ${databaseErrorCode}\n\nDatabase error:\n${databaseError}\n`,
    { migration_name: migrationName, database_error_code: databaseErrorCode, database_error: databaseError },
  );
}

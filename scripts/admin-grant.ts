// `npm run admin:grant -- EMAIL`: makes the live account with that email an admin (bootstrap:
// no admin is needed). Opens the database the server would: DATABASE_URL, or the embedded one
// in EMBEDDED_DB_DIR. The embedded database can be opened by one process at a time: stop the
// server first (or use ADMIN_EMAILS and restart it). Audited (actor: none, source: cli).
import { fail, readArguments, usageError } from './lib/command.js';

const usage = `Usage: npm run admin:grant -- EMAIL
Makes the live account with that email an admin, in the database of DATABASE_URL or else the
embedded one in EMBEDDED_DB_DIR (stop the server first: one process at a time opens it).`;
const { positionals } = readArguments(usage, { allowPositionals: true, options: {} });
if (positionals.length !== 1) usageError(usage, positionals.length ? 'Give one email.' : 'Give the email to promote.');
const email = positionals[0]!;

const { loadConfig, ConfigError } = await import('../src/config.js');
const { EmbeddedDatabaseBusyError, openDatabase } = await import('../src/db/open.js');
const { NotFoundError, StartupError, ValidationError } = await import('../src/errors.js');
const { grantAdmin } = await import('../src/resolvers/admin/grant-admin.js');

try {
  const config = loadConfig(process.env);
  const database = await openDatabase(config);
  try {
    const { userId, changed } = await grantAdmin({ db: database.db, now: () => new Date() }, { email, source: 'cli' });
    console.log(changed ? `${email} (${userId}) is now an admin.` : `${email} (${userId}) was an admin already.`);
  } finally {
    await database.close();
  }
} catch (err) {
  if (err instanceof NotFoundError) fail(`No live account has the email ${email}: sign up first.`);
  if (
    err instanceof ValidationError ||
    err instanceof ConfigError ||
    err instanceof EmbeddedDatabaseBusyError ||
    err instanceof StartupError
  )
    fail(err.message);
  fail(`admin:grant failed: ${err instanceof Error ? err.message : String(err)}`);
}
process.exit(0);

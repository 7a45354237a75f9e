/**
 * `npm run admin:grant -- EMAIL`: makes the live account with that email an admin (bootstrap:
 * no admin is needed). Opens the database the server would: DATABASE_URL, or the embedded one
 * in EMBEDDED_DB_DIR. The embedded database can be opened by one process at a time: stop the
 * server first (or use ADMIN_EMAILS and restart it). Audited (actor: none, source: cli).
 */
import { loadConfig, ConfigError } from '../config.js';
import { EmbeddedDatabaseBusyError, openDatabase } from '../db/open.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { grantAdmin } from '../resolvers/admin/grant-admin.js';

const email = process.argv[2];
if (!email || process.argv.length > 3) {
  console.error('usage: npm run admin:grant -- EMAIL');
  process.exit(2);
}

let code = 0;
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
  code = 1;
  if (err instanceof NotFoundError) console.error(`No live account has the email ${email}: sign up first.`);
  else if (err instanceof ValidationError || err instanceof ConfigError || err instanceof EmbeddedDatabaseBusyError)
    console.error(err.message);
  else console.error('admin:grant failed:', err instanceof Error ? err.message : err);
}
process.exit(code);

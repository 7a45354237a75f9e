// Trusted documents from the command line, against the database of DATABASE_URL:
//   npm run documents:publish -- --client ios --version 3.2.0 persisted-documents.json
//   npm run documents:retire -- --client ios --version 3.1.0
//   npm run documents:snapshot            (writes schema/trusted-documents.json for schema:check in CI)
//   npm run documents:snapshot -- --from-manifest FILE --client NAME --version X.Y.Z
//                                         (puts an app's manifest in that snapshot, no database: the example app's)
// A running server sees a published or retired version within TRUSTED_DOCUMENTS_CACHE_TTL_MS.
// Without DATABASE_URL, publish and retire open the embedded database `npm start` uses (stop the
// server first: one process at a time), as admin:grant does.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { createPrisma } from '../src/db/client.js';
import { openDatabase } from '../src/db/open.js';
import { AppError, InvalidDocumentsError } from '../src/errors.js';
import { createLogger } from '../src/observability/logger.js';
import { publishDocumentsAsOperator } from '../src/versioning/documents/publish-documents.js';
import { retireAppVersionAsOperator } from '../src/versioning/documents/retire-app-version.js';
import { getSchema } from '../src/schema/index.js';
import {
  defaultSnapshotFile,
  loadClientsFromDb,
  readClientsSnapshot,
  withManifest,
  writeClientsSnapshot,
} from '../tools/versioning/client-documents.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    client: { type: 'string' },
    version: { type: 'string' },
    out: { type: 'string' },
    'from-manifest': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
const usage =
  'usage: tsx scripts/documents.ts publish|retire|snapshot [--client NAME --version X.Y.Z] [--from-manifest FILE] [--out FILE] [FILE]';
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const [command, file] = positionals;
const fail = (message: string): never => {
  console.error(message);
  process.exit(1);
};

if (command === 'snapshot' && values['from-manifest']) {
  const out = values.out ?? defaultSnapshotFile;
  const app = {
    client: values.client ?? fail('--client NAME is required with --from-manifest'),
    version: values.version ?? fail('--version X.Y.Z is required with --from-manifest'),
  };
  const manifest = JSON.parse(await readFile(values['from-manifest'], 'utf8')) as Record<string, string>;
  const snapshot = withManifest(await readClientsSnapshot(out), app, manifest);
  await writeClientsSnapshot(snapshot, out);
  console.log(`wrote ${out}: ${Object.keys(manifest).length} documents of ${app.client} ${app.version}.`);
  process.exit(0);
}

const config = loadConfig(process.env);
const database = config.databaseUrl
  ? { db: createPrisma({ url: config.databaseUrl, poolSize: 1 }), close: () => Promise.resolve() }
  : command === 'snapshot'
    ? fail('Set DATABASE_URL to the database to snapshot (production or staging).')
    : await openDatabase(config).catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
const db = database.db;
const ctx = { db, now: () => new Date(), events: { notify() {} }, logger: createLogger('warn') };
const target = () => ({
  client: values.client ?? fail('--client NAME is required (the graphql-client-name the app sends)'),
  version: values.version ?? fail('--version X.Y.Z is required (the graphql-client-version the app sends)'),
});

try {
  if (command === 'publish') {
    const manifest = await readFile(file ?? fail('Give the manifest file: ... --version 3.2.0 FILE'), 'utf8');
    const result = await publishDocumentsAsOperator(ctx, { ...target(), manifest, schema: getSchema() });
    console.log(
      `published ${result.client} ${result.version}: ${result.documents} documents, ${result.added} new for this version.`,
    );
  } else if (command === 'retire') {
    const result = await retireAppVersionAsOperator(ctx, target());
    console.log(`${result.client} ${result.version} is ${result.status} (since ${result.retiredAt?.toISOString()}).`);
  } else if (command === 'snapshot') {
    const snapshot = await loadClientsFromDb(db);
    await writeClientsSnapshot(snapshot, values.out ?? defaultSnapshotFile);
    console.log(
      `wrote ${values.out ?? 'schema/trusted-documents.json'}: ${snapshot.documents.length} documents, ${snapshot.usage.length} usage records.`,
    );
  } else {
    fail(usage);
  }
} catch (err) {
  if (err instanceof InvalidDocumentsError) {
    console.error(err.message);
    const documents = (err.details?.documents ?? []) as {
      id: string;
      operationName: string | null;
      errors: { message: string }[];
    }[];
    for (const d of documents) {
      for (const e of d.errors) console.error(`  ${d.operationName ?? '(anonymous)'} (${d.id}): ${e.message}`);
    }
    process.exitCode = 1;
  } else if (err instanceof AppError) {
    console.error(`${err.code}: ${err.message}`);
    process.exitCode = 1;
  } else {
    throw err;
  }
} finally {
  await db.$disconnect();
  await database.close();
}

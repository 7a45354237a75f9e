// Trusted documents from the command line, against the database of DATABASE_URL:
//   npm run documents:publish -- --client ios --version 3.2.0 persisted-documents.json
//   npm run documents:retire -- --client ios --version 3.1.0
//   npm run documents:snapshot            (writes schema/trusted-documents.json for schema:check in CI)
//   npm run documents:snapshot -- --from-manifest FILE --client NAME --version X.Y.Z
//                                         (puts an app's manifest in that snapshot, no database: the example app's)
// A running server sees a published or retired version within TRUSTED_DOCUMENTS_CACHE_TTL_MS.
// Without DATABASE_URL, publish and retire open the embedded database `npm start` uses (stop the
// server first: one process at a time), as admin:grant does.
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fail, readArguments, usageError } from './lib/command.js';

const usage = `Usage: npm run documents:publish -- --client NAME --version X.Y.Z FILE
       npm run documents:retire -- --client NAME --version X.Y.Z
       npm run documents:snapshot [-- --out FILE]
       npm run documents:snapshot -- --from-manifest FILE --client NAME --version X.Y.Z [--out FILE]
       (tsx scripts/documents.ts publish|retire|snapshot …)
--example (publish, snapshot): the example app's manifest, client and version, after its codegen.
publish and retire use DATABASE_URL, or else the embedded database (stop the server first).`;
const { values, positionals } = readArguments(usage, {
  allowPositionals: true,
  options: {
    client: { type: 'string' },
    version: { type: 'string' },
    out: { type: 'string' },
    'from-manifest': { type: 'string' },
    example: { type: 'boolean', default: false },
  },
});
const command = positionals[0];
if (command !== 'publish' && command !== 'retire' && command !== 'snapshot') {
  usageError(usage, command ? `Unknown command ${command}.` : 'Give a command: publish, retire or snapshot.');
}
let file = positionals[1];

if (values.example) {
  // The example app (examples/app): its typed operations and manifest are generated first.
  const root = path.join(import.meta.dirname, '..');
  const manifest = path.join('examples', 'app', 'src', 'gql', 'persisted-documents.json');
  const example = JSON.parse(await readFile(path.join(root, 'examples', 'app', 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  try {
    // scripts/example-codegen.mjs: installs GraphQL Codegen on first use, then runs it.
    execFileSync(process.execPath, [path.join(root, 'scripts', 'example-codegen.mjs')], {
      cwd: root,
      stdio: 'inherit',
    });
  } catch {
    process.exit(1);
  }
  values.client = example.name;
  values.version = example.version;
  if (command === 'publish') file = path.join(root, manifest);
  else values['from-manifest'] = path.join(root, manifest);
}

const { createPrisma } = await import('../src/db/client.js');
const { loadConfig } = await import('../src/config.js');
const { openDatabase } = await import('../src/db/open.js');
const { AppError, InvalidDocumentsError } = await import('../src/errors.js');
const { createLogger } = await import('../src/observability/logger.js');
const { publishDocumentsAsOperator } = await import('../src/versioning/documents/publish-documents.js');
const { retireAppVersionAsOperator } = await import('../src/versioning/documents/retire-app-version.js');
const { getSchema } = await import('../src/schema/index.js');
const { defaultSnapshotFile, loadClientsFromDb, readClientsSnapshot, withManifest, writeClientsSnapshot } =
  await import('../tools/versioning/client-documents.js');

if (command === 'snapshot' && values['from-manifest']) {
  const out = values.out ?? defaultSnapshotFile;
  const manifestApp = {
    client: values.client ?? usageError(usage, '--client NAME is required with --from-manifest'),
    version: values.version ?? usageError(usage, '--version X.Y.Z is required with --from-manifest'),
  };
  const manifest = JSON.parse(
    await readFile(values['from-manifest'], 'utf8').catch(() => fail(`Cannot read ${values['from-manifest']}.`)),
  ) as Record<string, string>;
  const snapshot = withManifest(await readClientsSnapshot(out), manifestApp, manifest);
  await writeClientsSnapshot(snapshot, out);
  console.log(
    `wrote ${out}: ${Object.keys(manifest).length} documents of ${manifestApp.client} ${manifestApp.version}.`,
  );
  process.exit(0);
}

// Everything the arguments say is checked before the database is opened.
const target = () => ({
  client: values.client ?? usageError(usage, '--client NAME is required (the graphql-client-name the app sends)'),
  version:
    values.version ?? usageError(usage, '--version X.Y.Z is required (the graphql-client-version the app sends)'),
});
const app = command === 'snapshot' ? null : target();
let manifest = '';
if (command === 'publish') {
  const given = file ?? usageError(usage, 'Give the manifest file: … --version 3.2.0 FILE');
  manifest = await readFile(given, 'utf8').catch(() => fail(`Cannot read the manifest ${given}.`));
}

const config = loadConfig(process.env);
const database = config.databaseUrl
  ? { db: createPrisma({ url: config.databaseUrl, poolSize: 1 }), close: () => Promise.resolve() }
  : command === 'snapshot'
    ? fail('Set DATABASE_URL to the database to snapshot (production or staging).')
    : await openDatabase(config).catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
const db = database.db;
const ctx = { db, now: () => new Date(), events: { notify() {} }, logger: createLogger('warn') };

try {
  if (command === 'publish' && app) {
    const result = await publishDocumentsAsOperator(ctx, { ...app, manifest, schema: getSchema() });
    console.log(
      `published ${result.client} ${result.version}: ${result.documents} documents, ${result.added} new for this version.`,
    );
  } else if (command === 'retire' && app) {
    const result = await retireAppVersionAsOperator(ctx, app);
    console.log(`${result.client} ${result.version} is ${result.status} (since ${result.retiredAt?.toISOString()}).`);
  } else if (command === 'snapshot') {
    const snapshot = await loadClientsFromDb(db);
    await writeClientsSnapshot(snapshot, values.out ?? defaultSnapshotFile);
    console.log(
      `wrote ${values.out ?? 'schema/trusted-documents.json'}: ${snapshot.documents.length} documents, ${snapshot.usage.length} usage records.`,
    );
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

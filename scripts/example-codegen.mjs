// `npm run example:codegen`: the example app's typed operations and persisted-documents manifest
// (examples/app/src/gql/, committed, as schema.graphql is), written by GraphQL Codegen from
// examples/app/codegen/codegen.ts. Codegen is not in the project's install: examples/app/codegen/
// has its own package.json, installed into its node_modules here on first use.
// `--check` (npm run example:verify, CI): fails when that changed what is committed.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensurePackageFolder } from './lib/package-folder.mjs';

const usage = `Usage: npm run example:codegen [-- --check]
Writes the example app's typed operations and manifest (examples/app/src/gql/) with GraphQL Codegen,
installed into examples/app/codegen/node_modules on first use.
  --check   then fail (exit 1) when that changed examples/app/src/gql/ (npm run example:verify)`;

let values;
try {
  ({ values } = parseArgs({ options: { check: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }));
} catch (err) {
  console.error(`${err.message}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}

const root = path.join(import.meta.dirname, '..');
const folder = path.join(root, 'examples', 'app', 'codegen');
const output = path.join(root, 'examples', 'app', 'src', 'gql');
/** The output's files and their text. */
const snapshot = () =>
  new Map(existsSync(output) ? readdirSync(output).map((f) => [f, readFileSync(path.join(output, f), 'utf8')]) : []);

const before = snapshot();
ensurePackageFolder(folder, 'GraphQL Codegen (the example app)');
try {
  execFileSync(
    path.join(folder, 'node_modules', '.bin', 'graphql-codegen'),
    ['--config', path.join('examples', 'app', 'codegen', 'codegen.ts'), '--silent'],
    { cwd: root, stdio: 'inherit' },
  );
} catch {
  console.error("The example app's codegen failed (above).");
  process.exit(1);
}
if (values.check) {
  const after = snapshot();
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter((f) => before.get(f) !== after.get(f));
  if (changed.length > 0) {
    console.error(`examples/app/src/gql/ was not what codegen writes (${changed.join(', ')}): it is now; commit it.`);
    process.exit(1);
  }
}

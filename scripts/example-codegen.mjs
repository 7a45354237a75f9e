// `npm run example:codegen`: the example app's typed operations and persisted-documents manifest
// (examples/app/src/gql/), written by GraphQL Codegen from examples/app/codegen/codegen.ts. Codegen
// is not in the project's install: examples/app/codegen/ has its own package.json, installed into
// its node_modules here on first use. `npm test`, `npm run typecheck`, `example:publish` and the
// bench run this first.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { answerHelp } from './ensure-built.mjs';
import { ensurePackageFolder } from './lib/package-folder.mjs';

const usage = `Usage: npm run example:codegen
Writes the example app's typed operations and manifest (examples/app/src/gql/) with GraphQL Codegen,
installed into examples/app/codegen/node_modules on first use. Takes no arguments.`;

const root = path.join(import.meta.dirname, '..');
const folder = path.join(root, 'examples', 'app', 'codegen');

answerHelp(usage);
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

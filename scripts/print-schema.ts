// Writes the public schema, as printed from code, to schema.graphql.
// With --check, writes nothing and exits 1 if schema.graphql differs (CI runs this).
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { printPublicSchema } from '../src/schema/index.js';

const file = path.join(import.meta.dirname, '..', 'schema.graphql');
const printed = printPublicSchema();

if (process.argv.includes('--check')) {
  const committed = await readFile(file, 'utf8').catch(() => '');
  if (committed !== printed) {
    console.error('schema.graphql is not what the code prints: run `npm run schema:print` and commit the result.');
    process.exit(1);
  }
  console.log('schema.graphql matches the code.');
} else {
  await writeFile(file, printed);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

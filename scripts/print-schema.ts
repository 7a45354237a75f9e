// Writes the public schema, as printed from code, to schema.graphql.
// With --check, writes nothing and exits 1 if schema.graphql differs (CI runs this).
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fail, readArguments } from './lib/command.js';

const usage = `Usage: npm run schema:print     writes schema.graphql from the code
       npm run schema:verify    (--check) writes nothing; exit 1 when schema.graphql is not current`;
const { values } = readArguments(usage, { options: { check: { type: 'boolean', default: false } } });

const { printPublicSchema } = await import('../src/schema/index.js');
const file = path.join(import.meta.dirname, '..', 'schema.graphql');
const printed = printPublicSchema();

if (values.check) {
  const committed = await readFile(file, 'utf8').catch(() => '');
  if (committed !== printed) {
    fail('schema.graphql is not what the code prints: run `npm run schema:print` and commit the result.');
  }
  console.log('schema.graphql matches the code.');
} else {
  await writeFile(file, printed);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

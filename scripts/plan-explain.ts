// Which root fields of a document run as one planned SQL statement, and which field blocks the
// others (docs/planned-execution.md):
//   npm run plan:explain -- --document query.graphql          (a file with the document text)
//   npm run plan:explain -- --document <id>                   (a published document, from DATABASE_URL)
//   npm run plan:explain -- --document query.graphql --sql    (also print each statement)
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parse } from 'graphql';
import { loadConfig } from '../src/config.js';
import { createPrisma } from '../src/db/client.js';
import { explain, isFullyPlanned, plan } from '../src/planner/index.js';
import { getSchema } from '../src/schema/index.js';

const { values } = parseArgs({
  options: { document: { type: 'string' }, sql: { type: 'boolean', default: false } },
});
const fail = (message: string): never => {
  console.error(message);
  process.exit(1);
};
const given = values.document ?? fail('Give --document FILE or --document ID (a published document id).');

async function documentText(ref: string): Promise<{ text: string; operationName: string | null }> {
  if (existsSync(ref)) return { text: await readFile(ref, 'utf8'), operationName: null };
  const url =
    loadConfig(process.env).databaseUrl ?? fail(`${ref} is not a file; set DATABASE_URL to look it up by id.`);
  const db = createPrisma({ url, poolSize: 1 });
  try {
    const row = await db.trustedDocument.findUnique({
      where: { hash: ref },
      select: { text: true, operationName: true },
    });
    return row ?? fail(`No document is published under ${ref}.`);
  } finally {
    await db.$disconnect();
  }
}

const { text, operationName } = await documentText(given);
const planned = plan(getSchema(), parse(text), operationName);
console.log(explain(planned, { sql: values.sql }));
process.exitCode = isFullyPlanned(planned) ? 0 : 2;

// Which root fields of a document run as one planned SQL statement, and which field blocks the
// others (docs/planned-execution.md):
//   npm run plan:explain -- --document query.graphql          (a file with the document text)
//   npm run plan:explain -- --document <id>                   (a published document, from DATABASE_URL)
//   npm run plan:explain -- --document query.graphql --sql    (also print each statement)
// Every operation of the document is explained; one whose @include/@skip read variables is
// planned per set of their values (explained here with each of them true).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Kind, parse } from 'graphql';
import { loadConfig } from '../src/config.js';
import { createPrisma } from '../src/db/client.js';
import { conditionVariables, explain, isFullyPlanned, plan } from '../src/planner/index.js';
import { getSchema } from '../src/schema/index.js';

const { values } = parseArgs({
  options: {
    document: { type: 'string' },
    sql: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(
    'Usage: npm run plan:explain -- --document FILE|ID [--sql]\nExit status: 0 when every operation is planned, 2 when one is not.',
  );
  process.exit(0);
}
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
const document = parse(text);
const names = operationName
  ? [operationName]
  : document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? [d.name?.value ?? null] : []));
// The plan's shape (src/planner/plan.ts, conditionVariables): every such variable true (an
// @include on, a paging argument given), else every one false, as the server counts it.
const shape = (value: boolean) => Object.fromEntries(conditionVariables(document).map((name) => [name, value]));
let all = true;
for (const name of names) {
  const first = plan(getSchema(), document, name, shape(true));
  const second = isFullyPlanned(first) ? first : plan(getSchema(), document, name, shape(false));
  const planned = isFullyPlanned(second) ? second : first;
  console.log(explain(planned, { sql: values.sql }));
  all &&= isFullyPlanned(planned);
}
process.exitCode = all ? 0 : 2;

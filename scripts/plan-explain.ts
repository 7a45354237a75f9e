// Which root fields of a document run as one planned SQL statement, and which field blocks the
// others (docs/planned-execution.md):
//   npm run plan:explain -- --document query.graphql          (a file with the document text)
//   npm run plan:explain -- --document <id>                   (a published document, from DATABASE_URL)
//   npm run plan:explain -- --document query.graphql --sql    (also print each statement)
// Every operation of the document is explained; one whose @include/@skip read variables is
// planned per set of their values (explained here with each of them true).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fail, readArguments, usageError } from './lib/command.js';

const usage = `Usage: npm run plan:explain -- --document FILE|ID [--sql]
Which root fields of a document run as one planned SQL statement (docs/planned-execution.md).
FILE holds the document text; an ID is looked up among the published documents of DATABASE_URL.
Exit status: 0 when every operation is planned, 2 when one is not, 1 when the document is missing.`;
const { values } = readArguments(usage, {
  options: {
    document: { type: 'string' },
    sql: { type: 'boolean', default: false },
  },
});
const given = values.document ?? usageError(usage, 'Give --document FILE or --document ID (a published document id).');

const { Kind, parse } = await import('graphql');
const { loadConfig } = await import('../src/config.js');
const { createPrisma } = await import('../src/db/client.js');
const { describeDatabase } = await import('../src/db/wait-for-database.js');
const { conditionVariables, explain, isFullyPlanned, plan } = await import('../src/planner/index.js');
const { getSchema } = await import('../src/schema/index.js');

async function documentText(ref: string): Promise<{ text: string; operationName: string | null }> {
  if (existsSync(ref)) return { text: await readFile(ref, 'utf8'), operationName: null };
  const url =
    loadConfig(process.env).databaseUrl ??
    fail(`${ref} is not a file; set DATABASE_URL to look it up as a published document id.`);
  const db = createPrisma({ url, poolSize: 1 });
  try {
    const row = await db.trustedDocument
      .findUnique({ where: { hash: ref }, select: { text: true, operationName: true } })
      .catch((err: unknown) => {
        const reason = (err as { code?: string }).code ?? (err as Error).message.split('\n')[0];
        return fail(
          `${ref} is not a file, and the database of DATABASE_URL (${describeDatabase(url)}) cannot be read: ${reason}`,
        );
      });
    return row ?? fail(`${ref} is not a file, and no document is published under that id.`);
  } finally {
    await db.$disconnect();
  }
}

const { text, operationName } = await documentText(given);
let document: ReturnType<typeof parse>;
try {
  document = parse(text);
} catch (err) {
  fail(`${given}: ${(err as Error).message}`);
}
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

// The example app's query documents, read from where the app's build puts them: as written
// (operations/*.graphql, each operation with the fragments it uses) and as the app sends them
// (the codegen manifest, src/gql/persisted-documents.json, with __typename added for urql's cache).
// One source for the parity suite (test/planned-parity.test.ts) and the bench's read scenarios.
import { readFileSync, readdirSync } from 'node:fs';
import { Kind, parse, print, separateOperations } from 'graphql';

export interface ExampleQuery {
  /** The operation name, e.g. `HomeScreen`. */
  name: string;
  /** As written in operations/*.graphql (with its fragments). */
  written: string;
  /** As the app sends it: the manifest's text (__typename everywhere). */
  sent: string;
  /** The manifest's id of `sent` (what the app sends as documentId). */
  id: string;
}

const root = new URL('../', import.meta.url);

/** Every query operation of the example app (mutations and subscriptions left out). */
export function exampleQueries(): ExampleQuery[] {
  const dir = new URL('operations/', root);
  const text = readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => readFileSync(new URL(f, dir), 'utf8'))
    .join('\n');
  const written = separateOperations(parse(text));
  const manifest = JSON.parse(readFileSync(new URL('src/gql/persisted-documents.json', root), 'utf8')) as Record<
    string,
    string
  >;
  const sentByName = new Map<string, { id: string; text: string }>();
  for (const [id, sent] of Object.entries(manifest))
    for (const d of parse(sent).definitions)
      if (d.kind === Kind.OPERATION_DEFINITION && d.name) sentByName.set(d.name.value, { id, text: sent });
  return Object.entries(written).flatMap(([name, document]) => {
    const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    const sent = sentByName.get(name);
    if (operation?.kind !== Kind.OPERATION_DEFINITION || operation.operation !== 'query' || !sent) return [];
    return [{ name, written: print(document), sent: sent.text, id: sent.id }];
  });
}

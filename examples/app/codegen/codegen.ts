// GraphQL Codegen, client preset: typed documents for the operations in examples/app/operations, against the
// committed schema.graphql, and the persisted-documents manifest (sha256 id -> document text) that
// `npm run example:publish` publishes as the app version examples-app@<examples/app/package.json version>.
// Run from the repository root: npm run example:codegen, which installs GraphQL Codegen into
// node_modules here (package.json here) on first use. Its output, src/gql/, is committed: CI's
// npm run example:verify fails when it is not what codegen writes.
import { addTypenameSelectionDocumentTransform, preset, type ClientPresetConfig } from '@graphql-codegen/client-preset';
import type { CodegenConfig } from '@graphql-codegen/cli';

const presetConfig: ClientPresetConfig = {
  fragmentMasking: false,
  // Every document gets its sha256 (`__meta__.hash`); the text stays in the document, for types and
  // operation names, but the client sends only the id (src/client.ts).
  persistedDocuments: { mode: 'embedHashInDocument', hashAlgorithm: 'sha256' },
};

const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['examples/app/operations/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'examples/app/src/gql/': {
      // The preset itself, not its name: codegen would look the name up from the repository root.
      preset,
      presetConfig,
      // urql's cache reads __typename from every result: the published text selects it, so the
      // stored document and what urql expects are the same.
      documentTransforms: [addTypenameSelectionDocumentTransform],
      config: {
        useTypeImports: true,
        emitLegacyCommonJSImports: false,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', EmailAddress: 'string', TimeZone: 'string', ID: 'string' },
        strictScalars: false,
      },
    },
  },
};

export default config;

// GraphQL Codegen, client preset: typed documents for the operations in ./operations, against the
// committed schema.graphql, and the persisted-documents manifest (sha256 id -> document text) that
// `npm run example:publish` publishes as the app version examples-app@<package.json version>.
// Run from the repository root: npm run example:codegen (the output, src/gql/, is not committed).
import { addTypenameSelectionDocumentTransform, type ClientPresetConfig } from '@graphql-codegen/client-preset';
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
      preset: 'client',
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

import { createHash } from 'node:crypto';
import {
  GraphQLError,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { deprecatedCoordinatesOf } from './collect-usage.js';
import type { DeprecationRegistry } from './registry.js';

/**
 * Trusted documents: the operations an app version sends, published ahead of time by id.
 * This module reads manifests and checks documents; storing them is the domain's
 * (src/versioning/documents/), serving them the server's (src/server/trusted-documents.ts).
 */

/** One entry of a manifest: the id the client will send, and the document text. */
export interface ManifestEntry {
  id: string;
  text: string;
}

/**
 * The manifests clients produce, all read the same way:
 * - GraphQL Codegen client preset (`persistedDocuments: true`), `persisted-documents.json`, and
 *   Relay's compiler (`persistConfig.file`): `{ "<hash>": "<document text>" }`;
 * - Apollo's persisted query manifest: `{ "format": "apollo-persisted-query-manifest",
 *   "version": 1, "operations": [{ "id", "name", "type", "body" }] }`.
 * Throws an Error saying what is wrong with anything else.
 */
export function parseManifest(json: unknown): ManifestEntry[] {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error('a manifest is a JSON object: { "<hash>": "<document text>" }');
  }
  const record = json as Record<string, unknown>;
  let entries: ManifestEntry[];
  if (record.format === 'apollo-persisted-query-manifest') {
    if (!Array.isArray(record.operations)) throw new Error('an Apollo manifest lists its "operations"');
    entries = record.operations.map((op: unknown, i) => {
      const { id, body } = (op ?? {}) as Record<string, unknown>;
      if (typeof id !== 'string' || typeof body !== 'string') {
        throw new Error(`operations[${i}] must have a string "id" and "body"`);
      }
      return { id, text: body };
    });
  } else {
    entries = Object.entries(record).map(([id, text]) => {
      if (typeof text !== 'string') throw new Error(`the value of "${id}" must be the document text`);
      return { id, text };
    });
  }
  if (entries.length === 0) throw new Error('the manifest has no documents');
  for (const { id } of entries) {
    if (!/^[\w:.-]{1,128}$/.test(id))
      throw new Error(`"${id.slice(0, 40)}" is not a document id (1-128 of A-Z a-z 0-9 _ : . -)`);
  }
  return entries;
}

/** Hash algorithms recognised by the length of a hex id: Relay (md5), Codegen (sha1, sha256), Apollo (sha256). */
const HEX_IDS: Record<number, string> = { 32: 'md5', 40: 'sha1', 64: 'sha256' };

/**
 * Whether `id` can name `text`: a hex id of 32, 40 or 64 digits (optionally `sha256:`-prefixed)
 * must be the md5, sha1 or sha256 of the text, so an id cannot be reused for other text; other
 * ids (a custom hash function) are taken as given.
 */
export function idMatchesText(id: string, text: string): boolean {
  const hex = id.replace(/^(sha256|sha1|md5):/, '');
  const algorithm = /^[0-9a-f]+$/i.test(hex) ? HEX_IDS[hex.length] : undefined;
  if (!algorithm) return true;
  return createHash(algorithm).update(text).digest('hex') === hex.toLowerCase();
}

export type OperationType = 'QUERY' | 'MUTATION' | 'SUBSCRIPTION';

/** A document that validates against the schema, and what it is. */
export interface CheckedDocument {
  id: string;
  text: string;
  document: DocumentNode;
  operationName: string | null;
  operationType: OperationType;
  /** Deprecated coordinates written in it (values of variables are counted when requests run). */
  deprecatedCoordinates: string[];
}

/** Why a document was refused: the GraphQL errors, as a client sees them. */
export interface DocumentProblem {
  id: string;
  operationName: string | null;
  errors: { message: string; locations?: { line: number; column: number }[] }[];
}

const OPERATION_TYPES: Record<OperationDefinitionNode['operation'], OperationType> = {
  query: 'QUERY',
  mutation: 'MUTATION',
  subscription: 'SUBSCRIPTION',
};

/**
 * Parses and validates one document against `schema`: exactly one operation (with the fragments
 * it uses), every GraphQL validation rule, the id matching the text. Returns the document with
 * its deprecated coordinates, or the problems.
 */
export function checkDocument(
  schema: GraphQLSchema,
  registry: DeprecationRegistry,
  entry: ManifestEntry,
): CheckedDocument | DocumentProblem {
  const refuse = (errors: readonly GraphQLError[], operationName: string | null = null): DocumentProblem => ({
    id: entry.id,
    operationName,
    errors: errors.map((e) => ({ message: e.message, ...(e.locations ? { locations: [...e.locations] } : {}) })),
  });
  let document: DocumentNode;
  try {
    document = parse(entry.text);
  } catch (err) {
    return refuse([err instanceof GraphQLError ? err : new GraphQLError(String(err))]);
  }
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const operationName = operations[0]?.name?.value ?? null;
  if (operations.length !== 1) {
    return refuse([new GraphQLError(`A trusted document holds exactly one operation; found ${operations.length}.`)]);
  }
  if (!idMatchesText(entry.id, entry.text)) {
    return refuse([new GraphQLError(`The id ${entry.id} is not the hash of this document's text.`)], operationName);
  }
  const errors = validate(schema, document);
  if (errors.length > 0) return refuse(errors, operationName);
  const operation = operations[0]!;
  return {
    id: entry.id,
    text: entry.text,
    document,
    operationName,
    operationType: OPERATION_TYPES[operation.operation],
    deprecatedCoordinates: deprecatedCoordinatesOf(registry, schema, document, operationName),
  };
}

export function isProblem(result: CheckedDocument | DocumentProblem): result is DocumentProblem {
  return 'errors' in result;
}

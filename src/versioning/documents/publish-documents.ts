import type { GraphQLSchema } from 'graphql';
import { ConflictError, InvalidDocumentsError, ValidationError } from '../../errors.js';
import { recordEvent } from '../../events/outbox.js';
import { DeprecationRegistry } from '../registry.js';
import {
  checkDocument,
  isProblem,
  parseManifest,
  type CheckedDocument,
  type DocumentProblem,
} from '../trusted-documents.js';
import type { DomainContext } from '../../resolvers/domain-context.js';
import { requireAdmin } from '../../resolvers/access.js';
import type { OperatorContext } from './admin.js';
import { appVersionKey } from './app-version-input.js';

export interface PublishDocumentsInput {
  client: string;
  version: string;
  /** The manifest: JSON text, or already parsed (docs/trusted-documents.md lists the formats). */
  manifest: string | unknown;
  /** The schema the documents must validate against: the running one. */
  schema: GraphQLSchema;
}

export interface PublishedAppVersion {
  id: string;
  client: string;
  version: string;
  status: 'ACTIVE' | 'RETIRED';
  /** Documents in the manifest. */
  documents: number;
  /** Of those, documents this version did not have before. */
  added: number;
  /** Ids of the documents added. */
  addedIds: string[];
}

/** Admin only: `publishDocumentsAsOperator` for a signed-in admin. */
export function publishDocuments(ctx: DomainContext, input: PublishDocumentsInput): Promise<PublishedAppVersion> {
  requireAdmin(ctx);
  return publishDocumentsAsOperator(ctx, input);
}

/**
 * Publishes the documents of one app version. Every document is validated against the schema
 * first: one invalid document refuses the whole manifest (BAD_USER_INPUT, each document's GraphQL
 * errors in `extensions.documents`) and nothing is stored. Then, in one transaction: the version
 * (created, or an active one reused; a retired one is a CONFLICT), each new document with the
 * deprecated coordinates it touches (computed here, once), the links, and `appVersion.published`.
 * Publishing again adds documents; it never removes what a shipped build may still send.
 */
export async function publishDocumentsAsOperator(
  ctx: OperatorContext,
  input: PublishDocumentsInput,
): Promise<PublishedAppVersion> {
  const { client, version } = appVersionKey(input);
  let entries;
  try {
    entries = parseManifest(typeof input.manifest === 'string' ? JSON.parse(input.manifest) : input.manifest);
  } catch (err) {
    throw new ValidationError(`The manifest cannot be read: ${(err as Error).message}`, 'manifest');
  }
  const registry = DeprecationRegistry.of(input.schema);
  const checked: CheckedDocument[] = [];
  const problems: DocumentProblem[] = [];
  for (const entry of entries) {
    const result = checkDocument(input.schema, registry, entry);
    if (isProblem(result)) problems.push(result);
    else checked.push(result);
  }
  if (problems.length > 0) {
    const first = problems[0]!;
    throw new InvalidDocumentsError(
      `${problems.length} of ${entries.length} documents do not validate against the current schema; nothing was published. ` +
        `First: ${first.operationName ?? first.id}: ${first.errors[0]?.message ?? 'invalid'}`,
      problems,
    );
  }

  const ids = checked.map((d) => d.id);
  const result = await ctx.db.$transaction(async (tx) => {
    const existing = await tx.appVersion.findUnique({ where: { client_version: { client, version } } });
    if (existing?.status === 'RETIRED') {
      throw new ConflictError(`${client} ${version} is retired: publish a new version instead.`);
    }
    const appVersion = existing ?? (await tx.appVersion.create({ data: { client, version } }));
    const known = await tx.trustedDocument.findMany({
      where: { hash: { in: ids } },
      select: { hash: true, text: true },
    });
    const knownText = new Map(known.map((d) => [d.hash, d.text]));
    for (const doc of checked) {
      const text = knownText.get(doc.id);
      if (text !== undefined && text !== doc.text) {
        throw new ConflictError(`The document id ${doc.id} is already published with another text.`);
      }
    }
    await tx.trustedDocument.createMany({
      data: checked
        .filter((d) => !knownText.has(d.id))
        .map((d) => ({
          hash: d.id,
          text: d.text,
          operationName: d.operationName,
          operationType: d.operationType,
          deprecatedCoordinates: d.deprecatedCoordinates,
        })),
      skipDuplicates: true,
    });
    const linked = await tx.appVersionDocument.findMany({
      where: { appVersionId: appVersion.id, documentHash: { in: ids } },
      select: { documentHash: true },
    });
    const already = new Set(linked.map((l) => l.documentHash));
    const addedIds = ids.filter((id) => !already.has(id));
    await tx.appVersionDocument.createMany({
      data: addedIds.map((documentHash) => ({ appVersionId: appVersion.id, documentHash })),
      skipDuplicates: true,
    });
    if (addedIds.length > 0) {
      await recordEvent(tx, {
        type: 'appVersion.published',
        payload: { appVersionId: appVersion.id, client, version, documentIds: addedIds },
        aggregateId: appVersion.id,
        occurredAt: ctx.now(),
      });
    }
    return {
      id: appVersion.id,
      client,
      version,
      status: appVersion.status,
      documents: ids.length,
      added: addedIds.length,
      addedIds,
    };
  });
  ctx.events.notify();
  ctx.logger.info({ client, version, documents: result.documents, added: result.added }, 'trusted documents published');
  return result;
}

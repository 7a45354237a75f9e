import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  parse,
  TypeInfo,
  typeFromAST,
  validate,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import type { Db } from '../../src/db/client.js';
import { coordinate } from '../../src/versioning/elements.js';
import { defaultSchemaDir } from '../../src/versioning/releases.js';

/**
 * What the clients really use, as schema:check reads it: the documents of every active app
 * version, and the recorded usage of deprecated coordinates. From the database
 * (`loadClientsFromDb`) or from the committed snapshot schema/trusted-documents.json
 * (`readClientsSnapshot`, written by `npm run documents:snapshot`).
 */

/** One document of one active app version. */
export interface ClientDocument {
  client: string;
  version: string;
  id: string;
  operationName: string | null;
  text: string;
}

/** Recorded usage of a deprecated coordinate by one client version on one UTC day (DeprecatedFieldUsageDay). */
export interface UsageRecord {
  coordinate: string;
  clientName: string;
  clientVersion: string;
  /** `YYYY-MM-DD`. */
  day: string;
  count: number;
}

export interface ClientsSnapshot {
  documents: ClientDocument[];
  usage: UsageRecord[];
}

/** Usage days loaded (and written to the snapshot): more than any window the check is run with. */
export const USAGE_KEPT_DAYS = 400;

export const defaultSnapshotFile = path.join(defaultSchemaDir, 'trusted-documents.json');

/** Active app versions' documents and all recorded usage, from the database. */
export async function loadClientsFromDb(db: Db): Promise<ClientsSnapshot> {
  const [links, usage] = await Promise.all([
    db.appVersionDocument.findMany({
      where: { appVersion: { status: 'ACTIVE' } },
      select: {
        appVersion: { select: { client: true, version: true } },
        document: { select: { hash: true, operationName: true, text: true } },
      },
    }),
    db.deprecatedFieldUsageDay.findMany({
      where: { day: { gte: new Date(Date.now() - USAGE_KEPT_DAYS * 86_400_000) } },
      select: { coordinate: true, clientName: true, clientVersion: true, day: true, count: true },
    }),
  ]);
  return sortSnapshot({
    documents: links.map((l) => ({
      client: l.appVersion.client,
      version: l.appVersion.version,
      id: l.document.hash,
      operationName: l.document.operationName,
      text: l.document.text,
    })),
    usage: usage.map((u) => ({ ...u, day: u.day.toISOString().slice(0, 10), count: Number(u.count) })),
  });
}

function sortSnapshot(s: ClientsSnapshot): ClientsSnapshot {
  const key = (...parts: (string | null)[]) => parts.join('\u0000');
  return {
    documents: [...s.documents].sort((a, b) =>
      key(a.client, a.version, a.operationName, a.id).localeCompare(key(b.client, b.version, b.operationName, b.id)),
    ),
    usage: [...s.usage].sort((a, b) =>
      key(a.coordinate, a.clientName, a.clientVersion, a.day).localeCompare(
        key(b.coordinate, b.clientName, b.clientVersion, b.day),
      ),
    ),
  };
}

/** The committed snapshot; none (empty) when the file does not exist. */
export async function readClientsSnapshot(file = defaultSnapshotFile): Promise<ClientsSnapshot | null> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (text === null) return null;
  const json = JSON.parse(text) as Partial<ClientsSnapshot>;
  if (!Array.isArray(json.documents) || !Array.isArray(json.usage)) {
    throw new Error(`${file}: expected { "documents": [...], "usage": [...] } (npm run documents:snapshot writes it)`);
  }
  return { documents: json.documents, usage: json.usage };
}

export async function writeClientsSnapshot(snapshot: ClientsSnapshot, file = defaultSnapshotFile): Promise<void> {
  await writeFile(file, JSON.stringify(sortSnapshot(snapshot), null, 2) + '\n');
}

/**
 * A snapshot with the documents of one app version replaced by those of its manifest (id -> text,
 * as GraphQL Codegen writes it): the client snapshot of an app whose build is in this repository
 * (the example app), without a database.
 */
export function withManifest(
  snapshot: ClientsSnapshot | null,
  app: { client: string; version: string },
  manifest: Record<string, string>,
): ClientsSnapshot {
  const others = (snapshot?.documents ?? []).filter((d) => d.client !== app.client || d.version !== app.version);
  const documents = Object.entries(manifest).map(([id, text]) => {
    const operation = parse(text).definitions.find((d) => d.kind === 'OperationDefinition');
    const operationName = operation?.kind === 'OperationDefinition' ? (operation.name?.value ?? null) : null;
    return { ...app, id, operationName, text };
  });
  return sortSnapshot({ documents: [...others, ...documents], usage: snapshot?.usage ?? [] });
}

/** `ios 3.2.0 CoursePage (id 5d41402a…)`: how the check names a document. */
export function describeDocument(doc: ClientDocument): string {
  const id = doc.id.length > 24 ? `${doc.id.slice(0, 12)}…` : doc.id;
  return `${doc.client} ${doc.version} ${doc.operationName ?? '(anonymous)'} (id ${id})`;
}

/**
 * What one document touches in a schema: the coordinates of the fields, arguments and input
 * fields written in it, and `type:<Name>` for every type it reaches (the types of its fields,
 * its variables and their input types, and enums it reads or writes).
 */
export function touchedBy(schema: GraphQLSchema, document: DocumentNode): Set<string> {
  const found = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  const addType = (name: string, seen = new Set<string>()) => {
    if (seen.has(name)) return;
    seen.add(name);
    found.add(`type:${name}`);
    const type = schema.getType(name);
    // A variable of an input type may carry any of its fields.
    if (isInputObjectType(type))
      for (const f of Object.values(type.getFields())) addType(getNamedType(f.type).name, seen);
  };
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (!parent || !field) return;
        found.add(coordinate.member(parent.name, field.name));
        addType(parent.name);
        addType(getNamedType(field.type).name);
      },
      Argument() {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        const arg = typeInfo.getArgument();
        if (parent && field && arg && !typeInfo.getDirective()) {
          found.add(coordinate.argument(parent.name, field.name, arg.name));
          addType(getNamedType(arg.type).name);
        }
      },
      ObjectField(node) {
        const parent = getNamedType(typeInfo.getParentInputType());
        if (isInputObjectType(parent)) found.add(coordinate.member(parent.name, node.name.value));
      },
      EnumValue(node) {
        const type = getNamedType(typeInfo.getInputType());
        if (isEnumType(type)) found.add(coordinate.member(type.name, node.value));
      },
      VariableDefinition(node) {
        const type = typeFromAST(schema, node.type);
        if (type) addType(getNamedType(type).name);
      },
    }),
  );
  return found;
}

/** A client document read against the old and the proposed schema. */
export interface DocumentReading {
  doc: ClientDocument;
  /** What it touches in the old schema. */
  touches: Set<string>;
  /** Its GraphQL errors against the proposed schema (empty: it still validates). */
  errors: string[];
}

export function readDocuments(
  documents: readonly ClientDocument[],
  oldSchema: GraphQLSchema,
  newSchema: GraphQLSchema,
): DocumentReading[] {
  return documents.map((doc) => {
    let document: DocumentNode;
    try {
      document = parse(doc.text);
    } catch (err) {
      return { doc, touches: new Set<string>(), errors: [(err as Error).message] };
    }
    return {
      doc,
      touches: touchedBy(oldSchema, document),
      errors: validate(newSchema, document).map((e) => e.message),
    };
  });
}

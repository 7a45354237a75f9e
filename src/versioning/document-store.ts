import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { Db } from '../db/client.js';
import { deprecatedCoordinatesOf } from './collect-usage.js';
import { DeprecationRegistry } from './registry.js';

/** A published document as the server serves it: parsed once, analysed once. */
export interface StoredDocument {
  id: string;
  document: DocumentNode;
  operationName: string | null;
  /** True while at least one active app version publishes it. */
  active: boolean;
  /** Deprecated coordinates written in it, against the running schema (computed when loaded). */
  deprecatedCoordinates: string[];
}

/** The DocumentNode is kept; a miss is remembered too (as `false`). */
type Slot = StoredDocument | false;

/**
 * Published documents by id, in memory: every document of an active app version is loaded at
 * start-up (`preload`); an id not in memory is looked up in the database once and remembered
 * (found or not) for `ttlMs`, so a version published or retired by another process is seen
 * within it. `forget` drops ids at once (this process published or retired them).
 */
export class TrustedDocumentStore {
  private readonly cache: LRUCache<string, Slot>;
  private readonly registry: DeprecationRegistry;

  constructor(private readonly deps: { db: Db; schema: GraphQLSchema; ttlMs: number; max?: number }) {
    this.registry = DeprecationRegistry.of(deps.schema);
    this.cache = new LRUCache<string, Slot>({
      max: deps.max ?? 10_000,
      ...(deps.ttlMs > 0 ? { ttl: deps.ttlMs } : {}),
      fetchMethod: (id) => this.load(id),
    });
  }

  /** The document published under `id`, or null. */
  async get(id: string): Promise<StoredDocument | null> {
    if (id.length > 128) return null;
    return (await this.cache.fetch(id)) || null;
  }

  /** Loads every document of the active app versions; resolves with how many. */
  async preload(): Promise<number> {
    const rows = await this.deps.db.trustedDocument.findMany({
      where: { versions: { some: { appVersion: { status: 'ACTIVE' } } } },
      select: { hash: true, text: true, operationName: true },
    });
    for (const row of rows) this.cache.set(row.hash, this.toStored(row, true));
    return rows.length;
  }

  /** Drops what is remembered about these ids (or everything). */
  forget(ids?: readonly string[]): void {
    if (!ids) this.cache.clear();
    else for (const id of ids) this.cache.delete(id);
  }

  private async load(id: string): Promise<Slot> {
    const row = await this.deps.db.trustedDocument.findUnique({
      where: { hash: id },
      select: {
        hash: true,
        text: true,
        operationName: true,
        versions: { where: { appVersion: { status: 'ACTIVE' } }, select: { appVersionId: true }, take: 1 },
      },
    });
    return row ? this.toStored(row, row.versions.length > 0) : false;
  }

  private toStored(row: { hash: string; text: string; operationName: string | null }, active: boolean): StoredDocument {
    const document = parse(row.text);
    return {
      id: row.hash,
      document,
      operationName: row.operationName,
      active,
      // Also primes the deprecation plugin's analysis of this DocumentNode: requests reuse it.
      deprecatedCoordinates: deprecatedCoordinatesOf(this.registry, this.deps.schema, document, row.operationName),
    };
  }
}

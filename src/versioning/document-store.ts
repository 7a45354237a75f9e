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

/**
 * Published documents by id, in memory: every document of an active app version is loaded at
 * start-up (`preload`); an id not in memory is looked up in the database once and remembered
 * (found or not) for `ttlMs`, so a version published or retired by another process is seen
 * within it. Ids found and ids missing are kept apart, so a client sending made-up ids cannot push
 * published documents out of memory. `forget` drops ids at once (this process published or
 * retired them).
 */
export class TrustedDocumentStore {
  private readonly found: LRUCache<string, StoredDocument>;
  private readonly missing: LRUCache<string, true>;
  private readonly loading = new Map<string, Promise<StoredDocument | null>>();
  private readonly registry: DeprecationRegistry;

  constructor(
    private readonly deps: {
      db: Db;
      schema: GraphQLSchema;
      ttlMs: number;
      max?: number;
      /** Called once per document loaded (at preload, or on first use), e.g. to plan it. */
      onLoad?: (stored: StoredDocument) => void;
    },
  ) {
    this.registry = DeprecationRegistry.of(deps.schema);
    const ttl = deps.ttlMs > 0 ? { ttl: deps.ttlMs } : {};
    this.found = new LRUCache<string, StoredDocument>({ max: deps.max ?? 10_000, ...ttl });
    this.missing = new LRUCache<string, true>({ max: 1_000, ...ttl });
  }

  /** The document published under `id`, or null. Concurrent misses of one id share one lookup. */
  async get(id: string): Promise<StoredDocument | null> {
    if (id.length > 128) return null;
    const known = this.found.get(id);
    if (known) return known;
    if (this.missing.has(id)) return null;
    let pending = this.loading.get(id);
    if (!pending) {
      pending = this.load(id).finally(() => this.loading.delete(id));
      this.loading.set(id, pending);
    }
    return pending;
  }

  /** Loads every document of the active app versions; resolves with how many. */
  async preload(): Promise<number> {
    const rows = await this.deps.db.trustedDocument.findMany({
      where: { versions: { some: { appVersion: { status: 'ACTIVE' } } } },
      select: { hash: true, text: true, operationName: true },
    });
    for (const row of rows) this.found.set(row.hash, this.toStored(row, true));
    return rows.length;
  }

  /** Drops what is remembered about these ids (or everything). */
  forget(ids?: readonly string[]): void {
    if (!ids) {
      this.found.clear();
      this.missing.clear();
    } else {
      for (const id of ids) {
        this.found.delete(id);
        this.missing.delete(id);
      }
    }
  }

  private async load(id: string): Promise<StoredDocument | null> {
    const row = await this.deps.db.trustedDocument.findUnique({
      where: { hash: id },
      select: {
        hash: true,
        text: true,
        operationName: true,
        versions: { where: { appVersion: { status: 'ACTIVE' } }, select: { appVersionId: true }, take: 1 },
      },
    });
    if (!row) {
      this.missing.set(id, true);
      return null;
    }
    const stored = this.toStored(row, row.versions.length > 0);
    this.found.set(id, stored);
    return stored;
  }

  private toStored(row: { hash: string; text: string; operationName: string | null }, active: boolean): StoredDocument {
    const document = parse(row.text);
    const stored = {
      id: row.hash,
      document,
      operationName: row.operationName,
      active,
      // Also primes the deprecation plugin's analysis of this DocumentNode: requests reuse it.
      deprecatedCoordinates: deprecatedCoordinatesOf(this.registry, this.deps.schema, document, row.operationName),
    };
    this.deps.onLoad?.(stored);
    return stored;
  }
}

import { createHash } from 'node:crypto';
import type { DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';

/** A document registered by automatic persisted queries (APQ): its text, parsed once. */
export interface PersistedQuery {
  /** The SHA-256 of `text`, lowercase hex (Apollo's `sha256Hash`). */
  id: string;
  text: string;
  /** Parsed once, when registered: every request by `id` gets this same DocumentNode. */
  document: DocumentNode;
}

/** The APQ hash of a document's text: SHA-256, lowercase hex. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The most query text PersistedQueryCache keeps in all, whatever its count: 32 MiB (of one-byte characters). */
export const PERSISTED_QUERIES_MAX_TEXT = 32 * 1024 * 1024;

/**
 * Documents clients registered by automatic persisted queries (docs/trusted-documents.md), by
 * hash, in memory: the `max` most recently used, and never more than `maxText` characters of text
 * in all (a document may be as long as a request body). Nobody vetted them (any client may register
 * any document that validates), so they are kept apart from the published documents
 * (TrustedDocumentStore) and bounded; a document that fell out is registered again by the next
 * client that sends it.
 */
export class PersistedQueryCache {
  private readonly entries: LRUCache<string, PersistedQuery>;

  constructor(
    readonly max: number,
    maxText = PERSISTED_QUERIES_MAX_TEXT,
  ) {
    this.entries = new LRUCache<string, PersistedQuery>({
      max,
      maxSize: maxText,
      sizeCalculation: (entry) => Math.max(1, entry.text.length),
    });
  }

  /** The document registered under `id`, or null. */
  get(id: string): PersistedQuery | null {
    return this.entries.get(id) ?? null;
  }

  /**
   * Keeps a document; the caller has checked that `id` is `sha256Hex(text)` and that it validates.
   * A document already held stays as it is (its DocumentNode too); one longer than all the text
   * allowed is not kept.
   */
  add(entry: PersistedQuery): void {
    if (!this.entries.has(entry.id)) this.entries.set(entry.id, entry);
  }

  /** How many documents are held. */
  get size(): number {
    return this.entries.size;
  }
}

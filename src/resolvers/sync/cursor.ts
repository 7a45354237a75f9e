/**
 * Sync cursors (docs/sync.md): where a client is in the change log, opaque to clients.
 *
 * - `log`: every change at or before log position (xid, seq) was delivered, and every
 *   transaction with an id below `xid` had finished when that was decided. The next page reads
 *   the log after (xid, seq) up to the reading statement's snapshot xmin (every transaction
 *   below it has finished, so nothing can still commit there): a transaction that began early
 *   and committed late lands after a cursor, never behind it.
 * - `full`: a full sync (since: null) in progress: the live rows after (kind, id) are still to be
 *   sent; afterwards the log is read from `xmin`, the snapshot xmin of the full sync's first page
 *   (every change that page did not see belongs to a transaction at or above it).
 */
export type SyncPosition =
  { phase: 'log'; xid: bigint; seq: bigint } | { phase: 'full'; xmin: bigint; kind: number; id: string };

const PREFIX = 'sync1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UINT = /^\d{1,20}$/;
const MAX_U64 = (1n << 64n) - 1n;

/** Why a cursor was refused: it is not one this server wrote. */
export class InvalidSyncCursor extends Error {
  override name = 'InvalidSyncCursor';
  constructor() {
    super('Not a sync cursor: pass the `cursor` of a previous `changes` answer or message unchanged.');
  }
}

export function encodeSyncCursor(p: SyncPosition): string {
  const text = p.phase === 'log' ? `${PREFIX}:L:${p.xid}:${p.seq}` : `${PREFIX}:F:${p.xmin}:${p.kind}:${p.id}`;
  return Buffer.from(text, 'utf8').toString('base64url');
}

function uint(text: string | undefined): bigint {
  if (text === undefined || !UINT.test(text)) throw new InvalidSyncCursor();
  const n = BigInt(text);
  if (n > MAX_U64) throw new InvalidSyncCursor();
  return n;
}

/** A cursor's position; throws InvalidSyncCursor for anything this module did not write. */
export function decodeSyncCursor(value: unknown): SyncPosition {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200 || !/^[A-Za-z0-9_-]+$/.test(value)) {
    throw new InvalidSyncCursor();
  }
  const parts = Buffer.from(value, 'base64url').toString('utf8').split(':');
  if (parts[0] !== PREFIX) throw new InvalidSyncCursor();
  if (parts[1] === 'L' && parts.length === 4) return { phase: 'log', xid: uint(parts[2]), seq: uint(parts[3]) };
  if (parts[1] === 'F' && parts.length === 5) {
    const kind = Number(parts[3]);
    if (!Number.isInteger(kind) || kind < 0 || kind > 3 || !UUID.test(parts[4]!)) throw new InvalidSyncCursor();
    return { phase: 'full', xmin: uint(parts[2]), kind, id: parts[4]! };
  }
  throw new InvalidSyncCursor();
}

/** Where the log is read from for a position: a full sync in progress reads it from its xmin. */
export function logStart(p: SyncPosition): { xid: bigint; seq: bigint } {
  return p.phase === 'log' ? { xid: p.xid, seq: p.seq } : { xid: p.xmin, seq: 0n };
}

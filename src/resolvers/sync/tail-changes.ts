import { queryRows, type NamedStatement } from '../../db/client.js';
import { SyncCursorExpiredError, ValidationError } from '../../errors.js';
import type { LiveTopics } from '../../events/live.js';
import type { DomainContext } from '../domain-context.js';
import { encodeSyncCursor, InvalidSyncCursor, logStart, type SyncPosition } from './cursor.js';

/**
 * The log rows of one user's stream after a position, up to this statement's snapshot xmin (see
 * cursor.ts), every one (no merging per entity: a subscriber hears each change); courses are left
 * out (the streams are of tasks and notifications). With the horizon check and whether committed
 * rows wait behind an older transaction still running. One statement, on SyncChange_user_position_idx.
 */
export const TAIL_PAGE: NamedStatement = {
  name: 'sync_tail_page',
  text: `WITH w AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
page AS (
  SELECT l."seq", l."xid", l."kind", l."entityId", l."courseId", l."operation", l."changedAt"
  FROM "SyncChange" l
  WHERE l."userId" = $1::uuid AND l."stream" = $2::text AND (l."xid", l."seq") > ($3::xid8, $4::bigint)
    AND l."xid" < (SELECT w.xmin FROM w) AND l."kind" <> 'COURSE'
  ORDER BY l."xid", l."seq"
  LIMIT $5::int
)
SELECT (SELECT w.xmin FROM w)::text AS xmin,
  ROW($3::xid8, $4::bigint) < (SELECT h."xid", h."seq" FROM "SyncHorizon" h WHERE h."id" = 1) AS expired,
  EXISTS (SELECT 1 FROM "SyncChange" l WHERE l."userId" = $1::uuid AND l."stream" = $2::text
    AND l."xid" >= (SELECT w.xmin FROM w)) AS "heldBack",
  p."xid"::text AS "xid", p."seq"::text AS "seq", p."kind", p."entityId"::text AS "entityId",
  p."courseId"::text AS "courseId", p."operation", to_jsonb(p."changedAt") AS "changedAt"
FROM (SELECT 1) one LEFT JOIN page p ON true
ORDER BY p."xid", p."seq"`,
};

export interface TailRow {
  xid: string;
  seq: string;
  kind: string;
  entityId: string;
  courseId: string | null;
  operation: string;
  changedAt: string;
}

interface TailPageRow extends Record<string, unknown> {
  xmin: string;
  expired: boolean | null;
  heldBack: boolean;
  xid: string | null;
  seq: string | null;
  kind: string | null;
  entityId: string | null;
  courseId: string | null;
  operation: string | null;
  changedAt: string | null;
}

const PAGE = 100;
/** How soon a stream looks again when committed rows wait behind an older transaction. */
const HELD_BACK_RETRY_MS = 100;

export interface TailOptions<T> {
  userId: string;
  stream: 'planner' | 'notifications';
  /** The live topic whose publications say "something new": the log is read on each. */
  topic: keyof LiveTopics;
  after: SyncPosition;
  /** The message for one log row and its cursor; null skips the row (e.g. another course's). */
  message(row: TailRow, cursor: string): T | null;
}

/**
 * A resumable stream (docs/sync.md): every log row of the user's stream after `after`, then each
 * new one, in commit order, each message with its own cursor. Live publications are only a
 * wake-up: the stream subscribes to them first, then reads the log from its position after each,
 * so nothing published between the replay and going live is lost, and nothing is sent twice (the
 * position moves past each row sent). A publication that never arrives (a Redis outage, another
 * replica) is caught up by the next one or by the transport's reconnect signal. The first page is
 * read before this resolves, so a bad or expired cursor fails the subscription as it starts.
 */
export async function tailChanges<T>(ctx: DomainContext, options: TailOptions<T>): Promise<AsyncIterable<T>> {
  const tail = new Tail(ctx, options);
  try {
    await tail.read();
  } catch (err) {
    await tail.return();
    throw err;
  }
  return { [Symbol.asyncIterator]: () => tail };
}

class Tail<T> implements AsyncIterator<T> {
  private readonly buffer: T[] = [];
  private position: { xid: bigint; seq: bigint };
  private rung = false;
  private wake: (() => void) | null = null;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly live: AsyncIterator<unknown>;
  private readonly off: () => void;

  constructor(
    private readonly ctx: DomainContext,
    private readonly options: TailOptions<T>,
  ) {
    this.position = logStart(options.after);
    // Live first: its listener attaches on the first pull, before the log is read.
    this.live = ctx.live.subscribe(options.topic, options.userId)[Symbol.asyncIterator]();
    void this.pump();
    this.off = ctx.live.onReconnect?.(() => this.ring()) ?? (() => undefined);
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        const r = await this.live.next();
        if (r.done || this.closed) return;
        this.ring();
      }
    } catch {
      // The live transport ended: the reconnect signal and the next read still catch up.
    }
  }

  private ring(): void {
    this.rung = true;
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** Reads the log after the position into the buffer; rings again when more is ready or held back. */
  async read(): Promise<void> {
    const { xid, seq } = this.position;
    const rows = await queryRows<TailPageRow>(this.ctx.db, TAIL_PAGE, [
      this.options.userId,
      this.options.stream,
      xid.toString(),
      seq.toString(),
      PAGE,
    ]);
    const meta = rows[0]!;
    if (meta.expired) throw new SyncCursorExpiredError();
    const xmin = BigInt(meta.xmin);
    if (xid > xmin) throw new ValidationError(new InvalidSyncCursor().message, 'after');
    const found = rows.filter((r) => r.xid !== null && r.seq !== null);
    for (const r of found) {
      const row = r as unknown as TailRow;
      const position = { xid: BigInt(row.xid), seq: BigInt(row.seq) };
      const cursor = encodeSyncCursor({ phase: 'log', ...position });
      this.position = position;
      const message = this.options.message(row, cursor);
      if (message !== null) this.buffer.push(message);
    }
    if (found.length === PAGE) {
      this.rung = true;
      return;
    }
    // Read to the end: every transaction below xmin is in, so the position may move there (an idle
    // stream's position then never falls behind the prune job's horizon).
    this.position = { xid: xmin, seq: 0n };
    if (meta.heldBack && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.ring();
      }, HELD_BACK_RETRY_MS);
    }
  }

  async next(): Promise<IteratorResult<T>> {
    for (;;) {
      if (this.closed) return { done: true, value: undefined };
      const item = this.buffer.shift();
      if (item !== undefined) return { done: false, value: item };
      if (this.rung) {
        this.rung = false;
        await this.read();
        continue;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  async return(): Promise<IteratorResult<T>> {
    if (!this.closed) {
      this.closed = true;
      this.off();
      if (this.timer) clearTimeout(this.timer);
      this.ring();
      await this.live.return?.();
    }
    return { done: true, value: undefined };
  }
}

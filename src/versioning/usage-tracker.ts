import type { Db } from '../db/client.js';
import { WriteBatch } from '../db/write-batch.js';
import type { Logger } from '../observability/logger.js';
import { dayOf } from './dates.js';
import type { DeprecatedUsageRow } from './list-deprecated-usage.js';
import type { ClientIdentity } from './client-status.js';

/** Stored for a request without the header. */
export const UNKNOWN_CLIENT = 'unknown';
/** Header values are cut to this length, so a client cannot grow the table with huge names. */
const MAX_LABEL = 64;

/** One (coordinate, client, UTC day) count, as pending here; stored as totals and per day. */
type Tally = DeprecatedUsageRow & { day: string };

const label = (value: string | null) => value?.trim().slice(0, MAX_LABEL) || UNKNOWN_CLIENT;

/**
 * Counts deprecated coordinates per client name and version in memory, and writes the counts in
 * batches: every `intervalMs` once started, on `stop()`, or when a caller (a test) awaits `flush()`.
 * One flush is one statement that adds its counts to the stored totals (DeprecatedFieldUsage) and
 * to the per-day counts (DeprecatedFieldUsageDay) that schema:check's usage window reads.
 */
export class DeprecationUsageTracker {
  private readonly batch: WriteBatch<Tally>;

  constructor(
    private readonly deps: {
      db: Db;
      logger: Logger;
      now: () => Date;
      /** Hears each use as it is counted (metrics). */
      onRecord?: (coordinates: readonly string[], clientName: string) => void;
    },
  ) {
    this.batch = new WriteBatch<Tally>({
      keyOf: (t) => `${t.coordinate}\u0000${t.clientName}\u0000${t.clientVersion}\u0000${t.day}`,
      merge: (known, t) => {
        known.count += t.count;
        if (t.firstSeenAt < known.firstSeenAt) known.firstSeenAt = t.firstSeenAt;
        if (t.lastSeenAt > known.lastSeenAt) known.lastSeenAt = t.lastSeenAt;
      },
      write: (batch) => this.upsert(batch),
      onTimedFlushError: (err) => this.deps.logger.error({ err }, 'deprecated usage flush failed; will retry'),
    });
  }

  /** Counts one use of each coordinate by `client` at `at`. */
  record(coordinates: readonly string[], client: ClientIdentity, at: Date): void {
    const clientName = label(client.name);
    const clientVersion = label(client.version);
    this.deps.onRecord?.(coordinates, clientName);
    for (const coordinate of coordinates) {
      this.batch.add({
        coordinate,
        clientName,
        clientVersion,
        day: dayOf(at),
        count: 1,
        firstSeenAt: at,
        lastSeenAt: at,
      });
    }
  }

  /** Writes what was counted since the last flush; resolves with the number of rows written. */
  flush(): Promise<number> {
    return this.batch.flush();
  }

  /** Flushes every `intervalMs` until `stop()`. */
  start(intervalMs: number): void {
    this.batch.start(intervalMs);
  }

  /** Stops the timer and writes what is left. */
  stop(): Promise<void> {
    return this.batch.stop();
  }

  private async upsert(batch: Tally[]): Promise<void> {
    const column = <T>(pick: (t: Tally) => T) => batch.map(pick);
    const updatedAt = this.deps.now().toISOString();
    // Timestamps travel as ISO text and are read as UTC, as Prisma stores them. A batch spanning
    // midnight has two tallies of one (coordinate, client): the totals add them up first.
    await this.deps.db.$executeRaw`
      WITH u AS (
        SELECT * FROM unnest(
          ${column((t) => t.coordinate)}::text[], ${column((t) => t.clientName)}::text[],
          ${column((t) => t.clientVersion)}::text[], ${column((t) => t.day)}::text[],
          ${column((t) => String(t.count))}::text[], ${column((t) => t.firstSeenAt.toISOString())}::text[],
          ${column((t) => t.lastSeenAt.toISOString())}::text[]
        ) AS u(coordinate, client_name, client_version, day, count, first_seen, last_seen)
      ), totals AS (
        INSERT INTO "DeprecatedFieldUsage"
          ("id", "coordinate", "clientName", "clientVersion", "count", "firstSeenAt", "lastSeenAt", "updatedAt")
        SELECT gen_random_uuid(), u.coordinate, u.client_name, u.client_version, SUM(u.count::bigint),
               MIN(u.first_seen::timestamptz) AT TIME ZONE 'UTC', MAX(u.last_seen::timestamptz) AT TIME ZONE 'UTC',
               ${updatedAt}::timestamptz AT TIME ZONE 'UTC'
        FROM u GROUP BY u.coordinate, u.client_name, u.client_version
        ON CONFLICT ("coordinate", "clientName", "clientVersion") DO UPDATE SET
          "count" = "DeprecatedFieldUsage"."count" + EXCLUDED."count",
          "firstSeenAt" = LEAST("DeprecatedFieldUsage"."firstSeenAt", EXCLUDED."firstSeenAt"),
          "lastSeenAt" = GREATEST("DeprecatedFieldUsage"."lastSeenAt", EXCLUDED."lastSeenAt"),
          "updatedAt" = EXCLUDED."updatedAt"
      )
      INSERT INTO "DeprecatedFieldUsageDay" ("coordinate", "clientName", "clientVersion", "day", "count", "updatedAt")
      SELECT u.coordinate, u.client_name, u.client_version, u.day::date, u.count::bigint,
             ${updatedAt}::timestamptz AT TIME ZONE 'UTC'
      FROM u
      ON CONFLICT ("coordinate", "clientName", "clientVersion", "day") DO UPDATE SET
        "count" = "DeprecatedFieldUsageDay"."count" + EXCLUDED."count",
        "updatedAt" = EXCLUDED."updatedAt"`;
  }
}

import { createHash } from 'node:crypto';
import type { Db } from '../db/client.js';
import { WriteBatch } from '../db/write-batch.js';
import type { Logger } from './logger.js';

/** Where and in which request an unexpected error happened. */
export interface ErrorOccurrence {
  requestId: string;
  operation: string | null;
  /** The GraphQL path of the field that failed, e.g. "me.courses". */
  path?: string | null;
}

interface Pending {
  fingerprint: string;
  errorName: string;
  message: string;
  stack: string | null;
  count: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
  sampleRequestId: string;
  sampleOperation: string | null;
  samplePath: string | null;
}

/** Distinct fingerprints held between flushes; more are counted as dropped, never queued. */
const MAX_PENDING = 500;
const MAX_MESSAGE = 1000;
const MAX_STACK = 4000;

/** Message with ids and numbers blanked, so "Course 123 failed" and "Course 456 failed" are one error. */
export function normalizeMessage(message: string): string {
  return message
    .slice(0, MAX_MESSAGE)
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/\b[0-9a-f]{16,}\b/gi, '<hex>')
    .replace(/\d+/g, '<n>');
}

/** The code path: the top frames of the stack as "function (file)", without line numbers. */
export function codePath(stack: string | undefined, frames = 4): string[] {
  if (!stack) return [];
  return stack
    .split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .slice(0, frames)
    .map((line) => {
      const m = /at (?:(.+?) \()?(?:.*[/\\])?([^/\\:()]+)(?::\d+){0,2}\)?$/.exec(line.trim());
      return m ? `${m[1] ?? '<anonymous>'} (${m[2]})` : line.trim();
    });
}

export function fingerprintOf(error: Error): string {
  const key = [error.name, normalizeMessage(error.message), ...codePath(error.stack)].join('\n');
  return createHash('sha1').update(key).digest('hex');
}

/**
 * The error log: every unexpected (masked) error, once per fingerprint with a count, first and
 * last seen, and the latest request id and operation. `record` only touches memory (a map
 * lookup and a hash); a timer writes the batch in one upsert. Writing never throws into a
 * request: a failed write keeps the counts for the next one, a full buffer drops new
 * fingerprints (counted in `dropped`).
 */
export class ErrorLog {
  private readonly batch: WriteBatch<Pending>;

  constructor(private readonly deps: { db: Db; logger: Logger }) {
    this.batch = new WriteBatch<Pending>({
      keyOf: (entry) => entry.fingerprint,
      merge: (known, entry) => {
        known.count += entry.count;
        if (entry.firstSeenAt < known.firstSeenAt) known.firstSeenAt = entry.firstSeenAt;
        if (entry.lastSeenAt >= known.lastSeenAt) {
          known.lastSeenAt = entry.lastSeenAt;
          known.sampleRequestId = entry.sampleRequestId;
          known.sampleOperation = entry.sampleOperation;
          known.samplePath = entry.samplePath;
        }
      },
      write: (batch) => this.upsert(batch),
      onTimedFlushError: (err) => this.deps.logger.error({ err }, 'error log flush failed; will retry'),
      maxPending: MAX_PENDING,
      weightOf: (entry) => entry.count,
    });
  }

  /** Occurrences not kept because the buffer was full. */
  get dropped(): number {
    return this.batch.dropped;
  }

  record(error: Error, where: ErrorOccurrence, at: Date): void {
    this.batch.add({
      fingerprint: fingerprintOf(error),
      errorName: error.name,
      message: error.message.slice(0, MAX_MESSAGE),
      stack: error.stack?.slice(0, MAX_STACK) ?? null,
      count: 1,
      firstSeenAt: at,
      lastSeenAt: at,
      sampleRequestId: where.requestId,
      sampleOperation: where.operation,
      samplePath: where.path ?? null,
    });
  }

  /** Writes what was recorded since the last flush; resolves with the number of rows written. */
  flush(): Promise<number> {
    return this.batch.flush();
  }

  start(intervalMs: number): void {
    this.batch.start(intervalMs);
  }

  async stop(): Promise<void> {
    await this.batch.stop().catch((err: unknown) => this.deps.logger.error({ err }, 'error log not written'));
  }

  private async upsert(batch: Pending[]): Promise<void> {
    const col = <T>(pick: (p: Pending) => T) => batch.map(pick);
    const iso = (d: Date) => d.toISOString();
    // Timestamps travel as ISO text and are read as UTC, as Prisma stores them.
    await this.deps.db.$executeRaw`
      INSERT INTO "ErrorLogEntry" ("id", "fingerprint", "errorName", "message", "stack", "count", "firstSeenAt",
        "lastSeenAt", "sampleRequestId", "sampleOperation", "samplePath", "updatedAt")
      SELECT gen_random_uuid(), e.fingerprint, e.error_name, e.message, e.stack, e.count::int,
             e.first_seen::timestamptz AT TIME ZONE 'UTC', e.last_seen::timestamptz AT TIME ZONE 'UTC',
             e.request_id, e.operation, e.path, e.last_seen::timestamptz AT TIME ZONE 'UTC'
      FROM unnest(
        ${col((p) => p.fingerprint)}::text[], ${col((p) => p.errorName)}::text[], ${col((p) => p.message)}::text[],
        ${col((p) => p.stack)}::text[], ${col((p) => String(p.count))}::text[],
        ${col((p) => iso(p.firstSeenAt))}::text[], ${col((p) => iso(p.lastSeenAt))}::text[],
        ${col((p) => p.sampleRequestId)}::text[], ${col((p) => p.sampleOperation)}::text[],
        ${col((p) => p.samplePath)}::text[]
      ) AS e(fingerprint, error_name, message, stack, count, first_seen, last_seen, request_id, operation, path)
      ON CONFLICT ("fingerprint") DO UPDATE SET
        "count" = "ErrorLogEntry"."count" + EXCLUDED."count",
        "firstSeenAt" = LEAST("ErrorLogEntry"."firstSeenAt", EXCLUDED."firstSeenAt"),
        "lastSeenAt" = GREATEST("ErrorLogEntry"."lastSeenAt", EXCLUDED."lastSeenAt"),
        "sampleRequestId" = EXCLUDED."sampleRequestId",
        "sampleOperation" = EXCLUDED."sampleOperation",
        "samplePath" = EXCLUDED."samplePath",
        "updatedAt" = EXCLUDED."updatedAt"`;
  }
}

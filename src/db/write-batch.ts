/**
 * Rows gathered in memory by key and written in batches, one statement per flush: what a request
 * path records without waiting for the database (the error log, deprecated-field usage). `add`
 * folds an item into the pending one of its key; `flush` writes them (one flush at a time); a
 * failed write keeps its items for the next flush; past `maxPending` keys, new keys are dropped
 * and counted, never queued. A timer flushes every `intervalMs` once started.
 */
export class WriteBatch<T> {
  private pending = new Map<string, T>();
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  /** Items not kept because `maxPending` keys were waiting (their `weightOf`, 1 each by default). */
  dropped = 0;

  constructor(
    private readonly options: {
      keyOf: (item: T) => string;
      /** Folds `item` into `known`, the pending item of the same key. */
      merge: (known: T, item: T) => void;
      /** Writes a batch in one statement; throwing keeps the batch for the next flush. */
      write: (batch: T[]) => Promise<void>;
      /** Told when a timed flush fails (it is retried with the next one). */
      onTimedFlushError: (err: unknown) => void;
      maxPending?: number;
      weightOf?: (item: T) => number;
    },
  ) {}

  /** Keeps `item` (a fresh object: it may be merged into later). */
  add(item: T): void {
    const key = this.options.keyOf(item);
    const known = this.pending.get(key);
    if (known) {
      this.options.merge(known, item);
      return;
    }
    if (this.pending.size >= (this.options.maxPending ?? Infinity)) {
      this.dropped += this.options.weightOf?.(item) ?? 1;
      return;
    }
    this.pending.set(key, item);
  }

  /** Writes what was added since the last flush; resolves with the number of rows written. */
  flush(): Promise<number> {
    const run = this.chain.then(() => this.write());
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Flushes every `intervalMs` until `stop()`. */
  start(intervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.flush().catch(this.options.onTimedFlushError);
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and writes what is left. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  private async write(): Promise<number> {
    if (this.pending.size === 0) return 0;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    try {
      await this.options.write(batch);
      return batch.length;
    } catch (err) {
      for (const item of batch) this.add(item);
      throw err;
    }
  }
}

import { describe, expect, it } from '@jest/globals';
import { WriteBatch } from '../src/db/write-batch.js';

interface Count {
  key: string;
  n: number;
}

function batchOf(write: (batch: Count[]) => Promise<void>, maxPending?: number) {
  return new WriteBatch<Count>({
    keyOf: (c) => c.key,
    merge: (known, c) => {
      known.n += c.n;
    },
    write,
    onTimedFlushError: () => {},
    maxPending,
    weightOf: (c) => c.n,
  });
}

describe('WriteBatch', () => {
  it('merges by key and writes each key once per flush', async () => {
    const written: Count[][] = [];
    const batch = batchOf(async (rows) => void written.push(rows.map((r) => ({ ...r }))));
    batch.add({ key: 'a', n: 1 });
    batch.add({ key: 'b', n: 2 });
    batch.add({ key: 'a', n: 3 });
    expect(await batch.flush()).toBe(2);
    expect(await batch.flush()).toBe(0);
    expect(written).toEqual([
      [
        { key: 'a', n: 4 },
        { key: 'b', n: 2 },
      ],
    ]);
  });

  it('keeps what a failed write held, merged with what came since, for the next flush', async () => {
    let fail = true;
    const written: Count[][] = [];
    const batch = batchOf(async (rows) => {
      if (fail) throw new Error('database away');
      written.push(rows.map((r) => ({ ...r })));
    });
    batch.add({ key: 'a', n: 1 });
    await expect(batch.flush()).rejects.toThrow('database away');
    batch.add({ key: 'a', n: 2 });
    fail = false;
    expect(await batch.flush()).toBe(1);
    expect(written).toEqual([[{ key: 'a', n: 3 }]]);
  });

  it('drops new keys past maxPending and counts their weight; known keys still merge', async () => {
    const batch = batchOf(async () => {}, 2);
    batch.add({ key: 'a', n: 1 });
    batch.add({ key: 'b', n: 1 });
    batch.add({ key: 'c', n: 5 });
    batch.add({ key: 'a', n: 1 });
    expect(batch.dropped).toBe(5);
    expect(await batch.flush()).toBe(2);
  });

  it('runs one flush at a time: a second flush waits for the first and writes what came after', async () => {
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const writing = new Promise<void>((resolve) => (started = resolve));
    const batch = batchOf(async (rows) => {
      order.push(`start ${rows.map((r) => r.key).join(',')}`);
      if (rows[0]?.key === 'a') {
        started();
        await gate;
      }
      order.push(`end ${rows.map((r) => r.key).join(',')}`);
    });
    batch.add({ key: 'a', n: 1 });
    const first = batch.flush();
    await writing;
    batch.add({ key: 'b', n: 1 });
    const second = batch.flush();
    release();
    expect(await first).toBe(1);
    expect(await second).toBe(1);
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b']);
  });
});

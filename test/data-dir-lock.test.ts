import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataDirLockedError, lockDataDir } from '../src/db/data-dir-lock.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sp-lock-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('embedded data directory lock', () => {
  it('refuses a second holder in this process, and frees the directory on release', async () => {
    const dir = path.join(root, 'a');
    const release = await lockDataDir(dir);
    expect(await readFile(`${dir}.lock`, 'utf8')).toBe(String(process.pid));
    await expect(lockDataDir(dir)).rejects.toBeInstanceOf(DataDirLockedError);
    await release();
    await (
      await lockDataDir(dir)
    )();
  });

  it('refuses while another live process holds it', async () => {
    const dir = path.join(root, 'b');
    // The parent of this process is alive for sure.
    await writeFile(`${dir}.lock`, String(process.ppid));
    await expect(lockDataDir(dir)).rejects.toThrow(`in use by another server (pid ${process.ppid})`);
  });

  it('takes over a lock whose process is gone (kill -9, crash)', async () => {
    const dir = path.join(root, 'c');
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    await writeFile(`${dir}.lock`, String(gone));
    const release = await lockDataDir(dir);
    expect(await readFile(`${dir}.lock`, 'utf8')).toBe(String(process.pid));
    await release();
  });
});

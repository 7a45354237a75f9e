import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';

// scripts/check-links.mjs: every relative link of README.md, docs/*.md and bench/README.md
// resolves in a clone (also a CI step: npm run docs:check).

const script = path.join(import.meta.dirname, '..', 'scripts', 'check-links.mjs');
const run = (root?: string) =>
  promisify(execFile)(process.execPath, root ? [script, root] : [script]).then(
    (r) => ({ code: 0, ...r }),
    (err: { code: number; stdout: string; stderr: string }) => err,
  );

describe('links in the docs', () => {
  it('all resolve in this clone', async () => {
    const result = await run();
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('are reported by file and line when they do not', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'sp-links-'));
    try {
      await mkdir(path.join(root, 'docs'));
      await writeFile(path.join(root, 'docs', 'a.md'), '# A title\n\nSee [b](../README.md#try-it).\n');
      await writeFile(
        path.join(root, 'README.md'),
        '# R\n\n## Try it\n\n[arch](../elsewhere/ARCHITECTURE.md), [a](docs/a.md#a-title), [a2](docs/a.md#nope),\n[gone](docs/gone.md), [web](https://example.com), `[code](nowhere.md)`\n',
      );
      const result = await run(root);
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([
        'README.md:5: ../elsewhere/ARCHITECTURE.md points outside the repository',
        'README.md:5: docs/a.md#nope: no heading #nope',
        'README.md:6: docs/gone.md does not exist',
      ]);
    } finally {
      await rm(root, { recursive: true });
    }
  });
});

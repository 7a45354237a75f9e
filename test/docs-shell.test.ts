import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';

// The shell blocks of docs/*.md, run as a reader would paste them, from the repository root.
// A ```sh block is run and must succeed; a block that starts a server, needs a database or
// writes files is marked ```sh no-run and is not (docs/operating.md#tests). No database answers
// here, so a block that needs one fails until it is marked. The README's "Try it" session is
// run against a started server by test/readme.test.ts; its other blocks are marked no-run too.

const root = path.join(import.meta.dirname, '..');
const SHELL = /^(sh|bash|shell|console|zsh)\b/;

interface Block {
  where: string;
  info: string;
  script: string;
}

async function shellBlocks(file: string, text?: string): Promise<Block[]> {
  const lines = (text ?? (await readFile(file, 'utf8'))).split('\n');
  const blocks: Block[] = [];
  let open: { line: number; info: string; indent: string; body: string[] } | null = null;
  lines.forEach((line, i) => {
    const fence = /^(\s*)```(.*)$/.exec(line);
    if (fence && !open) open = { line: i + 1, info: fence[2]!.trim(), indent: fence[1]!, body: [] };
    else if (fence && open) {
      if (SHELL.test(open.info)) {
        blocks.push({
          where: `${path.relative(root, file)}:${open.line}`,
          info: open.info,
          script: open.body.map((l) => l.slice(open!.indent.length)).join('\n'),
        });
      }
      open = null;
    } else if (open) open.body.push(line);
  });
  return blocks;
}

async function docsBlocks(): Promise<Block[]> {
  const docs = (await readdir(path.join(root, 'docs'))).filter((f) => f.endsWith('.md')).sort();
  return (await Promise.all(docs.map((f) => shellBlocks(path.join(root, 'docs', f))))).flat();
}

function bash(script: string): Promise<{ code: number; output: string }> {
  const env = { ...process.env, DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nothing', NODE_ENV: 'development' };
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['--norc', '--noprofile', '-e', '-o', 'pipefail', '-c', script],
      { cwd: root, env, timeout: 120_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

describe('shell blocks of the docs', () => {
  it('are marked `sh` (run here) or `sh no-run`', async () => {
    const unmarked = (await docsBlocks())
      .filter((b) => b.info !== 'sh' && b.info !== 'sh no-run')
      .map((b) => `${b.where}: \`\`\`${b.info}`);
    expect(unmarked).toEqual([]);
    // The README's blocks outside its try-it session install or start servers: all no-run.
    const readme = await readFile(path.join(root, 'README.md'), 'utf8');
    const start = readme.indexOf('\n## Try it');
    const end = readme.indexOf('\n## ', start + 1);
    const outside = await shellBlocks('README.md', readme.slice(0, start) + '\n'.repeat(1) + readme.slice(end));
    expect(outside.filter((b) => b.info !== 'sh no-run').map((b) => b.script)).toEqual([]);
  });

  it('run, each `sh` block in one bash (-e, pipefail), and succeed', async () => {
    const runnable = (await docsBlocks()).filter((b) => b.info === 'sh');
    expect(runnable.length).toBeGreaterThanOrEqual(2);
    const failed: string[] = [];
    // One at a time: each runs npm and tsx, and the machine's cores are shared with other test files.
    for (const block of runnable) {
      const { code, output } = await bash(block.script);
      if (code !== 0) failed.push(`${block.where} exited ${code}:\n${output}`);
    }
    expect(failed).toEqual([]);
  }, 180_000);
});

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from './helpers/app.js';

// The README's "Try it" session, run as a reader would paste it: each ```sh block of that
// section in one bash, in order, against a started server (the README's localhost:4000 replaced
// by its URL). The subscription block runs in the background as the README says.

const README = path.join(import.meta.dirname, '..', 'README.md');

async function tryItBlocks(): Promise<string[]> {
  const text = await readFile(README, 'utf8');
  const start = text.indexOf('\n## Try it');
  const end = text.indexOf('\n## ', start + 1);
  const section = text.slice(start, end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

let app: TestApp;
let url: string;
let bash: ChildProcessWithoutNullStreams | undefined;
beforeAll(async () => {
  app = await createTestApp();
  // The session's dates are fixed (assignments due 2027-01-15 and 2027-01-20): the server runs a
  // week before them on any date, so the first one is upcoming and the token it issues is valid.
  app.clock.now = new Date('2027-01-08T09:00:00Z');
  url = await app.server.listen(0, '127.0.0.1');
});
afterAll(async () => {
  bash?.kill();
  await app?.close();
});

describe('README', () => {
  it('runs the try-it session: sign up, course, assignment, home screen, live subscription', async () => {
    const blocks = await tryItBlocks();
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    const shell = spawn('bash', ['--norc', '--noprofile'], { stdio: ['pipe', 'pipe', 'pipe'] });
    bash = shell;
    let out = '';
    const waiters: { text: string; from: number; resolve: () => void }[] = [];
    const check = () => {
      for (const w of [...waiters]) {
        if (out.indexOf(w.text, w.from) >= 0) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    };
    shell.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      check();
    });
    shell.stderr.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    /** Resolves when `text` appears in the output after position `from`. */
    const seen = (text: string, from: number) =>
      new Promise<void>((resolve) => {
        waiters.push({ text, from, resolve });
        check();
      });
    const run = async (script: string, i: number) => {
      const from = out.length;
      shell.stdin.write(
        `${script.replaceAll('http://localhost:4000', new URL(url).origin)}\necho __block_${i}_done__\n`,
      );
      await seen(`__block_${i}_done__`, from);
      return out.slice(from);
    };

    const outputs: string[] = [];
    for (const [i, block] of blocks.entries()) {
      const from = out.length;
      // A reader takes seconds between steps: the events of the earlier ones have been
      // dispatched before the subscription starts (else it may also print those).
      if (block.includes('text/event-stream')) await app.bus.idle();
      outputs.push(await run(block, i));
      // The background subscription has started once the server opened the stream (":" first).
      if (block.includes('text/event-stream')) await seen('\n:\n', from - 1);
    }
    await seen('"task":{"title":"Read chapter 2"}}}}', 0);
    await run('kill %1; echo "token: ${#TOKEN} characters, course: $COURSE"', blocks.length);

    const all = out;
    expect(all).not.toMatch(/"errors"/);
    expect(all).toMatch(/token: \d{2,} characters, course: [A-Za-z0-9+/=]{8,}/);
    expect(all).toContain('"title":"Problem set 1","status":"UPCOMING"');
    expect(all).toContain('"upcomingAssignments":[{"title":"Problem set 1"');
    expect(all).toContain('data: {"data":{"taskUpdates":{"change":"CREATED","task":{"title":"Read chapter 2"}}}}');
  });
});

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';

// Every command of package.json that runs this repository's code (scripts/, the example app,
// the server) answers `--help` with its usage and exit status 0, without touching a database or
// a file, and refuses a bad invocation with a non-zero status (docs/architecture.md#commands).
// The bench has its own (bench/). The other scripts run third-party tools, each with its own --help.

const root = path.join(import.meta.dirname, '..');
const THIRD_PARTY = /(prisma|tsc|eslint|prettier|graphql-codegen|tsx watch|NODE_OPTIONS=\S+ jest)\b/;
// No database answers here: a command that tried to open one would fail.
const env = { ...process.env, DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nothing', NODE_ENV: 'development' };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function npmRun(script: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'npm',
      ['run', '--silent', script, '--', ...args],
      { cwd: root, env, timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Runs `task` over `items`, `limit` at a time (the machine's cores are shared with other test files). */
async function pool<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

async function commands(): Promise<{ ours: string[]; tools: string[] }> {
  const { scripts } = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const ours: string[] = [];
  const tools: string[] = [];
  for (const [name, command] of Object.entries(scripts)) {
    if (name.startsWith('bench')) continue;
    const last = command.split('&&').at(-1)!.trim();
    // Ours: a script of scripts/ or examples/, run by tsx or node (with Node's own flags, e.g. npm start's).
    if (/^(tsx|node)( --[\w-]+(=\S+)?)* (scripts|examples)\//.test(last)) {
      ours.push(name);
    } else {
      // Not ours: a third-party tool, which has its own --help.
      expect(`${name}: ${last}`).toMatch(new RegExp(`^${name}: ${THIRD_PARTY.source}`));
      tools.push(name);
    }
  }
  return { ours, tools };
}

describe('package.json commands', () => {
  it('each of ours answers --help with its usage, exit 0, and refuses an unknown option, exit 2', async () => {
    const { ours } = await commands();
    expect(ours).toEqual(
      expect.arrayContaining(['start', 'admin:grant', 'docs:check', 'plan:explain', 'schema:check', 'example']),
    );
    const runs = await pool(ours, 3, async (name) => ({
      name,
      help: await npmRun(name, ['--help']),
      bad: await npmRun(name, ['--no-such-option']),
    }));
    for (const { name, help, bad } of runs) {
      expect({ name, code: help.code, stderr: help.stderr }).toEqual({ name, code: 0, stderr: '' });
      expect({ name, usage: help.stdout.split('\n')[0] }).toEqual({ name, usage: expect.stringMatching(/^Usage: /) });
      expect({ name, code: bad.code }).toEqual({ name, code: 2 });
      expect(bad.stderr).toMatch(/Unknown option '--no-such-option'[\s\S]*\nUsage: /);
    }
  }, 180_000);

  it('fail with a non-zero status and one line when they cannot do their job', async () => {
    const cases: [string, string[], number, RegExp][] = [
      ['admin:grant', [], 2, /^Give the email to promote\.\nUsage: /],
      [
        'plan:explain',
        ['--document', 'no-such-file.graphql'],
        1,
        /^no-such-file\.graphql is not a file, and the database of DATABASE_URL \(127\.0\.0\.1:1\/nothing\) cannot be read: [^\n]+\n$/,
      ],
      ['schema:check', ['--usage-days', 'many'], 2, /^--usage-days must be a whole number, got many\n/],
      [
        'documents:publish',
        ['--client', 'ios', '--version', '1.0.0', 'missing.json'],
        1,
        /^Cannot read the manifest missing\.json\.\n$/,
      ],
      ['documents:retire', [], 2, /^--client NAME is required/],
      ['schema:release', ['--date', '2999-01-01'], 1, /^schema:release refused: /],
    ];
    const runs = await pool(cases, 3, ([name, args]) => npmRun(name, args));
    runs.forEach((run, i) => {
      const [name, , code, message] = cases[i]!;
      expect({ name, code: run.code }).toEqual({ name, code });
      expect(run.stderr).toMatch(message);
    });
  }, 120_000);
});

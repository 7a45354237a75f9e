// `npm start` (and the bench) helper: brings dist/ up to date with src/, quickly and incrementally.
// - `prisma generate` when src/generated is missing or prisma/schema.prisma changed;
// - each src/**/*.ts newer than its dist/**/*.js is transpiled with swc (@swc/core, types
//   stripped, no type check: ~100x faster than tsc on a fresh clone), outputs of deleted
//   sources are removed.
// Type checking is `npm run typecheck` (CI runs it); `npm run build` is the full tsc build.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const usage = `Usage: node scripts/ensure-built.mjs
Brings dist/ up to date with src/ (prisma generate when the Prisma schema changed, swc for changed
files), as npm start does before it serves. No type check: npm run typecheck.`;

const root = path.join(import.meta.dirname, '..');
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');
const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);

function walk(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** Brings dist/ up to date; exits with status 1 after one line when prisma generate fails. */
export async function ensureBuilt() {
  const { transformFile } = await import('@swc/core');

  const generatedStamp = path.join(src, 'generated', 'prisma', 'client.ts');
  if (mtime(path.join(root, 'prisma', 'schema.prisma')) > mtime(generatedStamp)) {
    console.log('generating the Prisma client (prisma generate)…');
    const bin = path.join(root, 'node_modules', '.bin');
    try {
      // The schema's generators are commands in node_modules/.bin: on PATH also when run without npm.
      execFileSync(path.join(bin, 'prisma'), ['generate'], {
        cwd: root,
        stdio: 'pipe',
        env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` },
      });
    } catch (err) {
      process.stderr.write(err.stdout ?? '');
      process.stderr.write(err.stderr ?? '');
      console.error('prisma generate failed (its output is above): dist/ was not built');
      process.exit(1);
    }
  }

  const sources = walk(src).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  const outputOf = (file) => path.join(dist, path.relative(src, file)).replace(/\.ts$/, '.js');
  const stale = sources.filter((f) => mtime(f) > mtime(outputOf(f)));
  if (stale.length > 0) {
    const started = Date.now();
    await Promise.all(
      stale.map(async (file) => {
        const out = outputOf(file);
        const { code, map } = await transformFile(file, {
          jsc: { parser: { syntax: 'typescript' }, target: 'es2023', keepClassNames: true },
          module: { type: 'es6' },
          sourceMaps: true,
          outputPath: out,
          swcrc: false,
        });
        mkdirSync(path.dirname(out), { recursive: true });
        writeFileSync(out, `${code}\n//# sourceMappingURL=${path.basename(out)}.map\n`);
        if (map) writeFileSync(`${out}.map`, map);
      }),
    );
    console.log(`built ${stale.length} of ${sources.length} files into dist/ in ${Date.now() - started} ms (swc)`);
  }

  // Outputs whose source is gone (a deleted or renamed file) would still be importable: remove them.
  if (existsSync(dist)) {
    const expected = new Set(sources.map(outputOf));
    for (const file of walk(dist)) {
      const js = file.endsWith('.js.map') ? file.slice(0, -4) : file;
      if (js.endsWith('.js') && !expected.has(js)) rmSync(file);
    }
  }
}

/** A command of no options: `--help` prints `text` and exits 0; anything else given, the problem and `text`, exit 2. */
export function answerHelp(text) {
  try {
    if (parseArgs({ options: { help: { type: 'boolean', short: 'h' } } }).values.help) {
      console.log(text);
      process.exit(0);
    }
  } catch (err) {
    console.error(`${err.message}\n${text}`);
    process.exit(2);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  answerHelp(usage);
  await ensureBuilt();
}

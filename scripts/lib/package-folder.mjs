// A folder with its own package.json and lockfile (bench/, test/browser/, examples/app/codegen/):
// what one command needs beyond the project's `npm install`, installed into that folder's
// node_modules by the command on first use, and again when the folder's lockfile changes.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

/** `npm ci --prefix dir` unless dir/node_modules is installed from dir/package-lock.json as it is now. */
export function ensurePackageFolder(dir, what) {
  const installed = path.join(dir, 'node_modules', '.package-lock.json');
  const lock = path.join(dir, 'package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return;
  const shown = path.relative(process.cwd(), dir) || '.';
  // Straight to stderr: under jest, console.error would add a code frame.
  process.stderr.write(`installing ${what} into ${shown}/node_modules (npm ci --prefix ${shown}, once)…\n`);
  execFileSync('npm', ['ci', '--prefix', dir, '--no-audit', '--no-fund', '--loglevel=error'], {
    stdio: ['ignore', 2, 2],
  });
}

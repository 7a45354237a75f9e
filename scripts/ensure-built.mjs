// `npm start` helper: builds (prisma generate + tsc) only when sources are newer than dist/.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.join(import.meta.dirname, '..');
const stamp = path.join(root, 'dist', '.built');

function newest(p) {
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let max = s.mtimeMs;
  for (const entry of readdirSync(p)) {
    if (entry === 'generated') continue;
    max = Math.max(max, newest(path.join(p, entry)));
  }
  return max;
}

const sources = ['src', 'prisma/schema.prisma', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'].map((p) =>
  path.join(root, p),
);
const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
if (sources.some((p) => existsSync(p) && newest(p) > built)) {
  console.log('building (prisma generate + tsc)…');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  execFileSync('touch', [stamp]);
}

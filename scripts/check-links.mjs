#!/usr/bin/env node
// Checks that every relative link in README.md, docs/*.md and bench/README.md resolves in this
// clone: the file or folder exists, and a #fragment names a heading of the target Markdown file.
// Prints each broken link as file:line and exits 1; `node scripts/check-links.mjs [root]`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const usage = `Usage: npm run docs:check        (node scripts/check-links.mjs [ROOT])
Checks that every relative link in README.md, docs/*.md and bench/README.md resolves (the file
exists, a #fragment names a heading); prints each broken one as file:line, exit status 1.`;

export function markdownFiles(dir) {
  const docs = path.join(dir, 'docs');
  return [
    path.join(dir, 'README.md'),
    path.join(dir, 'bench', 'README.md'),
    ...(existsSync(docs)
      ? readdirSync(docs)
          .filter((f) => f.endsWith('.md'))
          .map((f) => path.join(docs, f))
      : []),
  ].filter((f) => existsSync(f));
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading) {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');
}

function anchors(file) {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));
}

export function brokenLinks(dir) {
  const broken = [];
  for (const file of markdownFiles(dir)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    let fenced = false;
    lines.forEach((line, i) => {
      if (line.trimStart().startsWith('```')) fenced = !fenced;
      if (fenced) return;
      // [text](target) and [text](<target>), skipping inline code.
      for (const m of line.replace(/`[^`]*`/g, '``').matchAll(/\]\(<?([^)\s>]+)>?(?:\s+"[^"]*")?\)/g)) {
        const target = m[1];
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
        const [rel, fragment] = target.split('#');
        const resolved = rel ? path.resolve(path.dirname(file), decodeURIComponent(rel)) : file;
        const where = `${path.relative(dir, file)}:${i + 1}`;
        if (!resolved.startsWith(dir + path.sep) && resolved !== dir) {
          broken.push(`${where}: ${target} points outside the repository`);
        } else if (!existsSync(resolved)) {
          broken.push(`${where}: ${target} does not exist`);
        } else if (
          fragment &&
          statSync(resolved).isFile() &&
          resolved.endsWith('.md') &&
          !anchors(resolved).has(fragment)
        ) {
          broken.push(`${where}: ${target}: no heading #${fragment}`);
        }
      }
    });
  }
  return broken;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    console.error(`${err.message}\n${usage}`);
    process.exit(2);
  }
  if (parsed.values.help) {
    console.log(usage);
    process.exit(0);
  }
  if (parsed.positionals.length > 1) {
    console.error(`One folder at most.\n${usage}`);
    process.exit(2);
  }
  const root = path.resolve(parsed.positionals[0] ?? path.join(import.meta.dirname, '..'));
  if (!existsSync(root)) {
    console.error(`${root} does not exist.`);
    process.exit(1);
  }
  const broken = brokenLinks(root);
  for (const b of broken) console.error(b);
  const files = markdownFiles(root).length;
  console.log(
    broken.length ? `${broken.length} broken link(s) in ${files} files` : `links: all resolve (${files} files)`,
  );
  process.exit(broken.length ? 1 : 0);
}

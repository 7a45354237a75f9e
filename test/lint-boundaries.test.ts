import { describe, expect, it } from '@jest/globals';
import { ESLint } from 'eslint';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

// The import rules of docs/architecture.md are lint rules (eslint.config.js): these cases show
// that a forbidden import fails `npm run lint` and an allowed one passes.
const eslint = new ESLint();

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layer boundaries in lint', () => {
  it.each([
    [
      'src/resolvers/courses/probe.ts',
      "import { builder } from '../../schema/builder.js';\nexport const x = builder;\n",
    ],
    ['src/resolvers/courses/probe.ts', "import { startApp } from '../../app.js';\nexport const x = startApp;\n"],
    ['src/resolvers/courses/probe.ts', "import type { Context } from '../../context.js';\nexport type X = Context;\n"],
    [
      'src/events/handlers/probe.ts',
      "import { createServer } from '../../server.js';\nexport const x = createServer;\n",
    ],
    ['src/db/probe.ts', "import { requireViewer } from '../resolvers/access.js';\nexport const x = requireViewer;\n"],
    // The planner derives SQL from declarations and the access policy, never from the Pothos schema.
    ['src/planner/probe.ts', "import { builder } from '../schema/builder.js';\nexport const x = builder;\n"],
    ['src/resolvers/courses/probe.ts', "import { plan } from '../../planner/index.js';\nexport const x = plan;\n"],
    // dist/ holds only what the server runs: src/ uses neither the commands nor the developer tools.
    ['src/http/probe.ts', "import { fail } from '../../scripts/lib/command.js';\nexport const x = fail;\n"],
    ['src/server/probe.ts', "export const x = await import('../../tools/versioning/check-schema-change.js');\n"],
    // A developer library never builds on a command.
    ['tools/versioning/probe.ts', "import { fail } from '../../scripts/lib/command.js';\nexport const x = fail;\n"],
  ])('refuses a forbidden import in %s', async (file, code) => {
    expect(await problems(file, code)).toEqual([
      expect.stringMatching(/^boundaries\/dependencies: There is no policy/),
    ]);
  });

  it('refuses a GraphQL server library below the schema', async () => {
    const found = await problems(
      'src/resolvers/courses/probe.ts',
      "import { createPubSub } from 'graphql-yoga';\nexport const x = createPubSub;\n",
    );
    expect(found).toEqual([expect.stringMatching(/^no-restricted-imports: 'graphql-yoga' import is restricted/)]);
  });

  it('refuses a file under src/ that belongs to no layer', async () => {
    expect(await problems('src/stray.ts', 'export const x = 1;\n')).toEqual([
      expect.stringMatching(/^boundaries\/no-unknown-files/),
    ]);
  });

  it('keeps command-line handling in scripts/ (and the server entry, src/main.ts)', async () => {
    const message = /^no-restricted-properties: 'process\.(argv|exit)' is restricted/;
    expect(await problems('src/db/probe.ts', 'export const x = process.argv[2];\n')).toEqual([
      expect.stringMatching(message),
    ]);
    expect(await problems('tools/versioning/probe.ts', 'process.exit(1);\n')).toEqual([expect.stringMatching(message)]);
    expect(await problems('src/main.ts', 'process.exit(1);\n')).toEqual([]);
    const command =
      "import { checkSchemaChange } from '../tools/versioning/check-schema-change.js';\n" +
      "import { grantAdmin } from '../src/resolvers/admin/grant-admin.js';\n" +
      'export const x = [checkSchemaChange, grantAdmin, process.argv];\n';
    expect(await problems('scripts/probe.ts', command)).toEqual([]);
  });

  it('allows imports down the request path', async () => {
    const code = "import { requireViewer } from '../resolvers/access.js';\nexport const x = requireViewer;\n";
    expect(await problems('src/schema/probe.ts', code)).toEqual([]);
    expect(await problems('src/planner/probe.ts', code)).toEqual([]);
  });
});

describe('no import circle in src', () => {
  /** The relative imports (type-only ones too) of every file under src/, as src-relative paths. */
  function importGraph(): Map<string, string[]> {
    const files = readdirSync('src', { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.startsWith('generated'))
      .map((f) => path.join('src', f));
    const graph = new Map<string, string[]>();
    for (const file of files) {
      const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
      graph.set(
        file,
        importedFiles
          .map((i) => i.fileName)
          .filter((name) => name.startsWith('.'))
          .map((name) => path.join(path.dirname(file), name.replace(/\.js$/, '.ts')))
          .filter((target) => files.includes(target)),
      );
    }
    return graph;
  }

  /** One circle of the graph as a path of files, or null. */
  function circle(graph: Map<string, string[]>): string[] | null {
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string): string[] | null => {
      if (state.get(file) === 'done') return null;
      if (state.get(file) === 'open') return [...stack.slice(stack.indexOf(file)), file];
      state.set(file, 'open');
      stack.push(file);
      for (const next of graph.get(file) ?? []) {
        const found = visit(next);
        if (found) return found;
      }
      stack.pop();
      state.set(file, 'done');
      return null;
    };
    for (const file of graph.keys()) {
      const found = visit(file);
      if (found) return found;
    }
    return null;
  }

  it('finds none (type-only imports count: a circle of types is a circle of design)', () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(100);
    expect(circle(graph)).toBeNull();
  });

  it('would name one', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
    ]);
    expect(circle(graph)).toEqual(['a.ts', 'b.ts', 'c.ts', 'a.ts']);
  });
});

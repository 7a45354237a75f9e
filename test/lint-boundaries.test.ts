import { describe, expect, it } from '@jest/globals';
import { ESLint } from 'eslint';

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

  it('allows imports down the request path', async () => {
    const code = "import { requireViewer } from '../resolvers/access.js';\nexport const x = requireViewer;\n";
    expect(await problems('src/schema/probe.ts', code)).toEqual([]);
    expect(await problems('src/planner/probe.ts', code)).toEqual([]);
  });
});

import { describe, expect, it } from '@jest/globals';
import { statementFacts } from '../src/observability/statements.js';

describe('statementFacts', () => {
  it('classifies a statement by its first word, with a bounded set of kinds', () => {
    expect(statementFacts('  select 1').kind).toBe('SELECT');
    expect(statementFacts('WITH x AS (SELECT 1) SELECT * FROM x').kind).toBe('WITH');
    expect(statementFacts('INSERT INTO "public"."User" DEFAULT VALUES').kind).toBe('INSERT');
    expect(statementFacts('VACUUM ANALYZE "Assignment"').kind).toBe('OTHER');
    expect(statementFacts('').kind).toBe('OTHER');
  });

  it('keeps one copy of each statement text, cut to 2,000 characters, however many copies arrive', () => {
    const columns = Array.from({ length: 300 }, (_, i) => `"c${i}"`).join(', ');
    // Two equal texts built separately, as two runs of one statement may carry.
    const build = () => ['SELECT', columns, 'FROM "public"."Assignment" WHERE "id" = $1'].join(' ');
    const first = statementFacts(build());
    const second = statementFacts(build());
    expect(second).toBe(first);
    expect(first.text).toHaveLength(2_000);
    expect(build().startsWith(first.text)).toBe(true);
    expect(statementFacts('SELECT 2').text).toBe('SELECT 2');
  });
});

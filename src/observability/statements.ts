/** What metrics and spans note about one SQL statement, worked out once per statement text. */
export interface StatementFacts {
  /** First word: SELECT, INSERT, UPDATE, DELETE, WITH, BEGIN, COMMIT, ROLLBACK, else OTHER (a bounded label). */
  kind: string;
  /** The text for a span's `db.query.text`: its first 2,000 characters, one string per statement text. */
  text: string;
}

const KINDS = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'WITH', 'BEGIN', 'COMMIT', 'ROLLBACK']);
const MAX_TEXT = 2_000;
/**
 * The statements are a fixed set of texts (Prisma's shapes, the planner's statements), but each run
 * may carry its own copy of the text. Spans wait in the batch processor until they are exported,
 * so a span holding that copy keeps kilobytes alive per statement through the young generation;
 * holding the one cached string costs a pointer.
 */
const known = new Map<string, StatementFacts>();

export function statementFacts(sql: string): StatementFacts {
  let facts = known.get(sql);
  if (facts === undefined) {
    const word = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? 'OTHER';
    facts = { kind: KINDS.has(word) ? word : 'OTHER', text: sql.length > MAX_TEXT ? sql.slice(0, MAX_TEXT) : sql };
    if (known.size < 10_000) known.set(sql, facts);
  }
  return facts;
}

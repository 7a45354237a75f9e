import { describe, expect, it } from '@jest/globals';
import { parse } from 'graphql';
import { explain, isFullyPlanned, plan } from '../src/planner/index.js';
import { builder } from '../src/schema/builder.js';
import '../src/schema/index.js';

/**
 * A field's SQL form comes from its declaration (docs/planned-execution.md): a field added to the
 * schema the ordinary way is planned with no edit of src/planner. Here, on a schema of this test
 * file's own (the builder's types plus two new fields), built as src/schema/index.ts builds it.
 */
describe('a field added to the schema', () => {
  builder.prismaObjectFields('Course', (t) => ({
    // A plain exposed column.
    courseTerm: t.exposeString('term', { nullable: true, description: 'Test field: the term again.' }),
    // A related connection with its own order.
    newestAssignments: t.relatedConnection('assignments', {
      description: 'Test field: newest due first.',
      cursor: 'id',
      totalCount: true,
      query: { orderBy: [{ dueAt: 'desc' }, { id: 'desc' }] },
    }),
    // A relation whose query filters: no derived form, so not planned (says why).
    openAssignments: t.relatedConnection('assignments', {
      description: 'Test field: open only.',
      cursor: 'id',
      query: { where: { completedAt: null }, orderBy: [{ id: 'asc' }] },
    }),
  }));
  const schema = builder.toSchema({ sortSchema: true });

  it('is planned with no planner edit: an exposed column, a related connection in its declared order', () => {
    const p = plan(
      schema,
      parse(`query ($id: ID!) { course(id: $id) { courseTerm newestAssignments(first: 3) {
        totalCount edges { node { title } } } } }`),
    );
    expect(explain(p)).toBe('operation (anonymous): PLANNED\n  course: planned, one statement, 2 parameter(s)');
    const sql = p.roots[0]?.planned ? p.roots[0].sql : '';
    expect(sql).toContain('."term"');
    expect(sql).toMatch(/ORDER BY t\d+\."dueAt" DESC, t\d+\."id" DESC/);
    expect(isFullyPlanned(p)).toBe(true);
  });

  it('runs on the generic path when its declaration has no SQL form, and plan:explain says why', () => {
    const p = plan(schema, parse('query ($id: ID!) { course(id: $id) { openAssignments(first: 3) { totalCount } } }'));
    expect(isFullyPlanned(p)).toBe(false);
    expect(explain(p)).toMatch(/Course.openAssignments: a connection whose query filters/);
  });
});

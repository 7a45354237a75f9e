import type { DomainContext } from '../domain-context.js';
import type { OwnedFilterRow } from '../timed-tasks/timed-tasks-where.js';

/** The assignment a list of study sessions is narrowed to: one of the viewer's live assignments. */
export function assignmentFilter(ctx: DomainContext, assignmentId: string | null | undefined): OwnedFilterRow {
  return {
    entity: 'Assignment',
    column: 'assignmentId',
    id: assignmentId,
    find: (where) => ctx.db.assignment.findFirst({ where, select: { id: true } }),
  };
}

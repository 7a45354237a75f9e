import { SEARCH_MAX } from '../resolvers/find-and-sort.js';
import { builder } from './builder.js';

/* The GraphQL side of find and sort (src/resolvers/find-and-sort.ts, docs/find-and-sort.md). */

export const OrderDirection = builder.enumType('OrderDirection', {
  description: 'Which way a list is ordered; rows that tie on the field go by id, the same way.',
  values: {
    ASC: { value: 'asc' as const, description: 'Smallest (earliest, A to Z, LOW) first.' },
    DESC: { value: 'desc' as const, description: 'Largest (latest, Z to A, URGENT) first.' },
  },
});

/** The description of a `search` filter over `columns`. */
export const searchDescription = (columns: string) =>
  `Only those whose ${columns} contains this text, case-insensitively (% and _ match themselves); ` +
  `trimmed, blank means no condition, at most ${SEARCH_MAX} characters (else BAD_USER_INPUT).`;

export const TimedTaskOrderField = builder.enumType('TimedTaskOrderField', {
  description: 'What lectures and study sessions may be ordered by.',
  values: {
    STARTS_AT: { value: 'startsAt' as const, description: 'When it starts (the default).' },
    TITLE: { value: 'title' as const, description: 'The title, in the database collation.' },
    CREATED_AT: { value: 'createdAt' as const, description: 'When it was created.' },
  },
});

export const TimedTaskOrder = builder.inputType('TimedTaskOrder', {
  description: 'An order of lectures or study sessions; ties go by id in the same direction (stable cursors).',
  fields: (t) => ({
    field: t.field({ type: TimedTaskOrderField, description: 'The field to order by.' }),
    direction: t.field({ type: OrderDirection, required: false, description: 'ASC (the default) or DESC.' }),
  }),
});

export const AssignmentOrderField = builder.enumType('AssignmentOrderField', {
  description: 'What assignments may be ordered by.',
  values: {
    DUE_AT: { value: 'dueAt' as const, description: 'When it is due (the default).' },
    PRIORITY: { value: 'priority' as const, description: 'LOW, MEDIUM, HIGH, URGENT (ascending).' },
    TITLE: { value: 'title' as const, description: 'The title, in the database collation.' },
    CREATED_AT: { value: 'createdAt' as const, description: 'When it was created.' },
  },
});

export const AssignmentOrder = builder.inputType('AssignmentOrder', {
  description: 'An order of assignments; ties go by id in the same direction (stable cursors).',
  fields: (t) => ({
    field: t.field({ type: AssignmentOrderField, description: 'The field to order by.' }),
    direction: t.field({ type: OrderDirection, required: false, description: 'ASC (the default) or DESC.' }),
  }),
});

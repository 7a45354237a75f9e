import { builder } from './builder.js';
import { ownedBy } from './owner.js';
import { TaskRef } from './task.js';

export const Priority = builder.enumType('Priority', {
  values: { LOW: {}, MEDIUM: {}, HIGH: {}, URGENT: {} },
});

export const AssignmentType = builder.prismaNode('Assignment', {
  description: 'Work with a due date, such as homework or an essay.',
  id: { field: 'id' },
  interfaces: [TaskRef],
  findUnique: (id, ctx) => ({ id, ...ownedBy(ctx) }),
  fields: (t) => ({
    title: t.exposeString('title'),
    description: t.exposeString('description', { nullable: true }),
    dueAt: t.expose('dueAt', { type: 'DateTime' }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
    priority: t.expose('priority', { type: Priority }),
    estimatedMinutes: t.exposeInt('estimatedMinutes', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    course: t.relation('course'),
    studySessions: t.relatedConnection('studySessions', {
      description: 'Study sessions planned for this assignment.',
      cursor: 'id',
      totalCount: true,
      query: { orderBy: [{ startsAt: 'asc' }, { id: 'asc' }] },
    }),
  }),
});

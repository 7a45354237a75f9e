import { builder } from './builder.js';
import { ownedBy } from './owner.js';
import { TaskRef } from './task.js';

export const StudySessionType = builder.prismaNode('StudySession', {
  description: 'Planned study time for a course, optionally for one assignment.',
  id: { field: 'id' },
  interfaces: [TaskRef],
  findUnique: (id, ctx) => ({ id, ...ownedBy(ctx) }),
  fields: (t) => ({
    title: t.exposeString('title'),
    startsAt: t.expose('startsAt', { type: 'DateTime', description: 'Planned start.' }),
    endsAt: t.expose('endsAt', { type: 'DateTime', description: 'Planned end.' }),
    actualMinutes: t.exposeInt('actualMinutes', { nullable: true, description: 'Minutes actually studied, once logged.' }),
    notes: t.exposeString('notes', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    course: t.relation('course'),
    assignment: t.relation('assignment', {
      nullable: true,
      description: 'The assignment this session is for; null when none or when it was deleted.',
    }),
  }),
});

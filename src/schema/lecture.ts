import { builder } from './builder.js';
import { ownedBy } from './owner.js';
import { TaskRef } from './task.js';

export const LectureType = builder.prismaNode('Lecture', {
  description: 'A single scheduled class meeting.',
  id: { field: 'id' },
  interfaces: [TaskRef],
  findUnique: (id, ctx) => ({ id, ...ownedBy(ctx) }),
  fields: (t) => ({
    title: t.exposeString('title'),
    startsAt: t.expose('startsAt', { type: 'DateTime' }),
    endsAt: t.expose('endsAt', { type: 'DateTime' }),
    location: t.exposeString('location', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    course: t.relation('course'),
  }),
});

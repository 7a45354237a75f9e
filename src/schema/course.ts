import { builder } from './builder.js';
import { ownedBy } from './owner.js';

export const CourseType = builder.prismaNode('Course', {
  description: 'A course the student takes in a term.',
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, ...ownedBy(ctx) }),
  fields: (t) => ({
    name: t.exposeString('name'),
    code: t.exposeString('code', { nullable: true, description: 'Catalogue code such as "CS 101".' }),
    color: t.exposeString('color', { nullable: true, description: 'Display colour as #RRGGBB.' }),
    instructor: t.exposeString('instructor', { nullable: true }),
    term: t.exposeString('term', { nullable: true, description: 'Term label such as "2026 Fall".' }),
    archivedAt: t.expose('archivedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    assignments: t.relatedConnection('assignments', {
      description: "The course's assignments by due date.",
      cursor: 'id',
      totalCount: true,
      query: { orderBy: [{ dueAt: 'asc' }, { id: 'asc' }] },
    }),
    lectures: t.relatedConnection('lectures', {
      description: "The course's lectures by start time.",
      cursor: 'id',
      totalCount: true,
      query: { orderBy: [{ startsAt: 'asc' }, { id: 'asc' }] },
    }),
    studySessions: t.relatedConnection('studySessions', {
      description: "The course's study sessions by planned start.",
      cursor: 'id',
      totalCount: true,
      query: { orderBy: [{ startsAt: 'asc' }, { id: 'asc' }] },
    }),
  }),
});

builder.prismaObjectField('User', 'courses', (t) =>
  t.relatedConnection('courses', {
    description: "The user's courses by name.",
    cursor: 'id',
    totalCount: true,
    query: { orderBy: [{ name: 'asc' }, { id: 'asc' }] },
  }),
);

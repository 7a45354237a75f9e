import { createCourse } from '../resolvers/courses/create-course.js';
import { deleteCourse } from '../resolvers/courses/delete-course.js';
import { getCourse } from '../resolvers/courses/get-course.js';
import { isArchived, isArchivedSql } from '../resolvers/courses/course-fields.js';
import { countCourses, coursesSqlForm, listCourses } from '../resolvers/courses/list-courses.js';
import { restoreCourse } from '../resolvers/courses/restore-course.js';
import { updateCourse } from '../resolvers/courses/update-course.js';
import { sqlForm } from '../db/sql.js';
import { relationQuery } from '../resolvers/find-and-sort.js';
import { AssignmentOrder, searchDescription, TimedTaskOrder } from './find-and-sort.js';
import { builder } from './builder.js';
import { deletionPayload } from './deletion.js';
import { nodeLookup } from './global-ids.js';

export const CourseType = builder.prismaNode('Course', {
  description: 'A course the student takes in a term.',
  // Select mode: only the columns the query asks for are read (exposed fields add their own).
  select: { id: true },
  id: { field: 'id' },
  findUnique: nodeLookup('Course'),
  // node(id) of a row that is missing, deleted or not the viewer's: null, not a masked P2025.
  nullable: true,
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Course name, 1 to 120 characters.' }),
    code: t.exposeString('code', { nullable: true, description: 'Catalogue code such as "CS 101".' }),
    color: t.exposeString('color', { nullable: true, description: 'Display colour as #RRGGBB.' }),
    instructor: t.exposeString('instructor', { nullable: true, description: 'Who teaches it.' }),
    term: t.exposeString('term', { nullable: true, description: 'Term label such as "2026 Fall".' }),
    archivedAt: t.expose('archivedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the course was archived; null while it is active.',
    }),
    archived: t.boolean({
      description: 'True when the course is archived.',
      select: { archivedAt: true },
      extensions: sqlForm({ kind: 'computed', sql: isArchivedSql, usesNow: false }),
      resolve: isArchived,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the course was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the course last changed.' }),
    assignments: t.relatedConnection('assignments', {
      description: "The course's assignments by due date, unless orderBy says otherwise.",
      cursor: 'id',
      totalCount: true,
      args: {
        search: t.arg.string({ required: false, description: searchDescription('title or description') }),
        orderBy: t.arg({ type: AssignmentOrder, required: false, description: 'Default: due date ascending.' }),
      },
      query: (args) => relationQuery('Assignment', args, 'dueAt'),
    }),
    lectures: t.relatedConnection('lectures', {
      description: "The course's lectures by start time, unless orderBy says otherwise.",
      cursor: 'id',
      totalCount: true,
      args: {
        search: t.arg.string({ required: false, description: searchDescription('title or location') }),
        orderBy: t.arg({ type: TimedTaskOrder, required: false, description: 'Default: start ascending.' }),
      },
      query: (args) => relationQuery('Lecture', args, 'startsAt'),
    }),
    studySessions: t.relatedConnection('studySessions', {
      description: "The course's study sessions by planned start, unless orderBy says otherwise.",
      cursor: 'id',
      totalCount: true,
      args: {
        search: t.arg.string({ required: false, description: searchDescription('title or notes') }),
        orderBy: t.arg({ type: TimedTaskOrder, required: false, description: 'Default: start ascending.' }),
      },
      query: (args) => relationQuery('StudySession', args, 'startsAt'),
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

/** The answer of a delete mutation, the same shape for every deletable type. */
/** The docs of a course or assignment delete payload. */
export function cascadeDeletionDocs(label: string) {
  return {
    type: `What deleting the ${label} did. The rows stay restorable until the purge job removes them.`,
    deletedId: `The global id of the deleted ${label}.`,
    deletionId: 'Groups the rows this deletion took (the row and its cascade); restore brings back exactly these.',
  };
}

const DeleteCoursePayload = deletionPayload('Course', cascadeDeletionDocs('course'));

const courseFields = {
  code: 'Catalogue code, up to 30 characters; null or blank clears it.',
  color: 'Display colour as #RRGGBB; null or blank clears it.',
  instructor: 'Who teaches it, up to 120 characters; null or blank clears it.',
  term: 'Term label such as "2026 Fall", up to 60 characters; null or blank clears it.',
} as const;

const CreateCourseInput = builder.inputType('CreateCourseInput', {
  description: 'A new course.',
  fields: (t) => ({
    name: t.string({ description: '1 to 120 characters.' }),
    code: t.string({ required: false, description: courseFields.code }),
    color: t.string({ required: false, description: courseFields.color }),
    instructor: t.string({ required: false, description: courseFields.instructor }),
    term: t.string({ required: false, description: courseFields.term }),
  }),
});

const UpdateCourseInput = builder.inputType('UpdateCourseInput', {
  description: 'Fields left out keep their value; give at least one.',
  fields: (t) => ({
    name: t.string({ required: false, description: '1 to 120 characters; cannot be null.' }),
    code: t.string({ required: false, description: courseFields.code }),
    color: t.string({ required: false, description: courseFields.color }),
    instructor: t.string({ required: false, description: courseFields.instructor }),
    term: t.string({ required: false, description: courseFields.term }),
    archived: t.boolean({ required: false, description: 'true archives the course, false makes it active again.' }),
  }),
});

const CourseFilter = builder.inputType('CourseFilter', {
  description: 'Narrows `courses`; every given condition must hold.',
  fields: (t) => ({
    archived: t.boolean({ required: false, description: 'true: only archived courses; false: only active ones.' }),
    term: t.string({ required: false, description: 'Only courses with exactly this term label.' }),
  }),
});

const courseId = { for: CourseType, description: "The course's global id." } as const;

builder.queryFields((t) => ({
  course: t.prismaField({
    type: 'Course',
    description: "One of your courses (an admin may read anyone's). Another user's or a deleted course is NOT_FOUND.",
    authScopes: { signedIn: true },
    args: { id: t.arg.globalID(courseId) },
    // getCourse on the planned path: the live row by id; the request path applies mayAccess.
    extensions: sqlForm({ kind: 'byId' }),
    resolve: (query, _root, { id }, ctx) => getCourse(ctx, { id: id.id }, query),
  }),
  courses: t.prismaConnection(
    {
      type: 'Course',
      cursor: 'id',
      description: 'Your own live courses, by name then id.',
      authScopes: { signedIn: true },
      args: { filter: t.arg({ type: CourseFilter, required: false, description: 'Conditions on the courses.' }) },
      extensions: sqlForm(coursesSqlForm),
      totalCount: (_root, { filter }, ctx) => countCourses(ctx, filter ?? {}),
      resolve: (query, _root, { filter }, ctx) => listCourses(ctx, filter ?? {}, query),
    },
    { description: 'A page of your courses.' },
    { description: 'One of your courses, with its cursor.' },
  ),
}));

builder.mutationFields((t) => ({
  createCourse: t.prismaField({
    type: 'Course',
    description: 'Creates a course for you. Records `course.created`.',
    authScopes: { signedIn: true },
    args: { input: t.arg({ type: CreateCourseInput, description: 'The new course.' }) },
    resolve: (query, _root, { input }, ctx) => createCourse(ctx, input, query),
  }),
  updateCourse: t.prismaField({
    type: 'Course',
    description: 'Changes (or archives) one of your courses and returns it. Records `course.updated`.',
    authScopes: { signedIn: true },
    args: { id: t.arg.globalID(courseId), input: t.arg({ type: UpdateCourseInput, description: 'What to change.' }) },
    resolve: (query, _root, { id, input }, ctx) => updateCourse(ctx, { ...input, id: id.id }, query),
  }),
  deleteCourse: t.field({
    type: DeleteCoursePayload,
    description:
      'Deletes one of your courses with its assignments, lectures and study sessions (soft, one deletionId; ' +
      'restoreCourse undoes it). Records `course.deleted`.',
    authScopes: { signedIn: true },
    args: { id: t.arg.globalID(courseId) },
    resolve: (_root, { id }, ctx) => deleteCourse(ctx, { id: id.id }),
  }),
  restoreCourse: t.prismaField({
    type: 'Course',
    description:
      'Brings back a deleted course and exactly what its deletion took; tasks deleted before it stay deleted. ' +
      'A course that is not deleted is returned unchanged. Records `course.restored`.',
    authScopes: { signedIn: true },
    args: { id: t.arg.globalID(courseId) },
    resolve: (query, _root, { id }, ctx) => restoreCourse(ctx, { id: id.id }, query),
  }),
}));

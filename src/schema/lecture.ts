import { sqlForm } from '../db/sql.js';
import { timedTasksSqlForm } from '../resolvers/timed-tasks/list-timed-tasks.js';
import { createLecture } from '../resolvers/lectures/create-lecture.js';
import { deleteLecture } from '../resolvers/lectures/delete-lecture.js';
import { getLecture } from '../resolvers/lectures/get-lecture.js';
import { countLectures } from '../resolvers/lectures/count-lectures.js';
import { listLectures } from '../resolvers/lectures/list-lectures.js';
import { restoreLecture } from '../resolvers/lectures/restore-lecture.js';
import { nodeWhere } from '../resolvers/access.js';
import { updateLecture } from '../resolvers/lectures/update-lecture.js';
import { builder } from './builder.js';
import { CourseType } from './course.js';
import { optionalRawId } from './global-ids.js';
import { TaskRef, taskDeletionPayload } from './task.js';
import { searchDescription, TimedTaskOrder } from './find-and-sort.js';

export const LectureType = builder.prismaNode('Lecture', {
  description: 'A single scheduled class meeting.',
  // Select mode: only the columns the query asks for are read (exposed fields add their own).
  // title, startsAt and courseId always: the Task interface's fields and the task events read them.
  select: { id: true, title: true, startsAt: true, courseId: true },
  id: { field: 'id' },
  interfaces: [TaskRef],
  findUnique: (id, ctx) => nodeWhere(ctx, 'Lecture', id),
  // node(id) of a lecture that is missing, deleted or not the viewer's: null, not a masked P2025.
  nullable: true,
  fields: (t) => ({
    title: t.exposeString('title', { description: 'What the lecture is about, 1 to 200 characters.' }),
    startsAt: t.expose('startsAt', { type: 'DateTime', description: 'When it starts.' }),
    endsAt: t.expose('endsAt', { type: 'DateTime', description: 'When it ends (at most 24 hours after the start).' }),
    location: t.exposeString('location', { nullable: true, description: 'Where it takes place, if known.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the lecture was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the lecture last changed.' }),
    course: t.relation('course', { description: 'The course it belongs to.' }),
  }),
});

const optionalCourse = { for: CourseType, required: false } as const;
const span = 'At most 24 hours after startsAt; both between 2000-01-01 and 2100-01-01.';
const CreateLectureInput = builder.inputType('CreateLectureInput', {
  description: 'A new lecture: one class meeting of one of your courses.',
  fields: (t) => ({
    courseId: t.globalID({ for: CourseType, description: 'Global id of one of your courses.' }),
    title: t.string({ description: '1 to 200 characters.' }),
    startsAt: t.field({ type: 'DateTime', description: 'When it starts.' }),
    endsAt: t.field({ type: 'DateTime', description: `When it ends. ${span}` }),
    location: t.string({ required: false, description: 'Up to 200 characters; empty means none.' }),
  }),
});
const UpdateLectureInput = builder.inputType('UpdateLectureInput', {
  description: 'Fields left out keep their value. A new start or end is checked against the stored other end.',
  fields: (t) => ({
    courseId: t.globalID({ ...optionalCourse, description: 'Moves it to another of your courses (global id).' }),
    title: t.string({ required: false, description: '1 to 200 characters.' }),
    startsAt: t.field({ type: 'DateTime', required: false, description: 'When it starts.' }),
    endsAt: t.field({ type: 'DateTime', required: false, description: `When it ends. ${span}` }),
    location: t.string({ required: false, description: 'Up to 200 characters; null or empty clears it.' }),
  }),
});
const LectureFilter = builder.inputType('LectureFilter', {
  description: 'Fields left out do not filter. The window is by start: from <= startsAt < to.',
  fields: (t) => ({
    courseId: t.globalID({ ...optionalCourse, description: 'Only lectures of this course of yours (global id).' }),
    from: t.field({ type: 'DateTime', required: false, description: 'Only lectures starting at or after this.' }),
    to: t.field({ type: 'DateTime', required: false, description: 'Only lectures starting before this.' }),
    search: t.string({ required: false, description: searchDescription('title or location') }),
  }),
});
const DeleteLecturePayload = taskDeletionPayload('Lecture');

const lectureFilter = (filter: typeof LectureFilter.$inferInput | null | undefined) => ({
  ...filter,
  courseId: optionalRawId(filter?.courseId),
});
const lectureId = { for: LectureType, description: 'Global id of one of your lectures.' } as const;
builder.queryFields((t) => ({
  lecture: t.prismaField({
    type: 'Lecture',
    description: "One of your lectures (an admin may read anyone's). NOT_FOUND if missing, deleted or not yours.",
    authScopes: { signedIn: true },
    args: { id: t.arg.globalID({ for: LectureType, description: 'Global id of the lecture.' }) },
    // getLecture on the planned path: the live row by id; the request path applies mayAccess.
    extensions: sqlForm({ kind: 'byId' }),
    resolve: (query, _root, { id }, ctx) => getLecture(ctx, { id: id.id }, query),
  }),
  lectures: t.prismaConnection(
    {
      type: 'Lecture',
      cursor: 'id',
      description: 'Your lectures by start time, then id, unless orderBy says otherwise.',
      authScopes: { signedIn: true },
      args: {
        filter: t.arg({ type: LectureFilter, required: false, description: 'Course, time window, search.' }),
        orderBy: t.arg({
          type: TimedTaskOrder,
          required: false,
          description: 'The order of the pages (default: start ascending); ties by id.',
        }),
      },
      extensions: sqlForm(timedTasksSqlForm),
      totalCount: (_parent, { filter }, ctx) => countLectures(ctx, lectureFilter(filter)),
      resolve: (query, _root, { filter, orderBy }, ctx) =>
        listLectures(ctx, { ...lectureFilter(filter), orderBy }, query),
    },
    { description: 'A page of your lectures.' },
    { description: 'One of your lectures, with its cursor.' },
  ),
}));

builder.mutationFields((t) => ({
  createLecture: t.prismaField({
    type: 'Lecture',
    description: 'Adds a lecture to one of your courses. Records lecture.created.',
    authScopes: { signedIn: true },
    args: { input: t.arg({ type: CreateLectureInput, description: 'The new lecture.' }) },
    resolve: (query, _root, { input }, ctx) => createLecture(ctx, { ...input, courseId: input.courseId.id }, query),
  }),
  updateLecture: t.prismaField({
    type: 'Lecture',
    description: 'Changes one of your lectures. Records lecture.updated.',
    authScopes: { signedIn: true },
    args: { id: t.arg.globalID(lectureId), input: t.arg({ type: UpdateLectureInput, description: 'What to change.' }) },
    resolve: (query, _root, { id, input }, ctx) =>
      updateLecture(ctx, { ...input, id: id.id, courseId: optionalRawId(input.courseId) }, query),
  }),
  deleteLecture: t.field({
    type: DeleteLecturePayload,
    description: 'Deletes one of your lectures (soft: restoreLecture brings it back). Records lecture.deleted.',
    authScopes: { signedIn: true },
    args: { id: t.arg.globalID(lectureId) },
    resolve: (_root, { id }, ctx) => deleteLecture(ctx, { id: id.id }),
  }),
  restoreLecture: t.prismaField({
    type: 'Lecture',
    description:
      'Brings back one of your deleted lectures (lecture.restored); a live one is returned unchanged. CONFLICT while its course is deleted: restore the course first.',
    authScopes: { signedIn: true },
    args: { id: t.arg.globalID(lectureId) },
    resolve: (query, _root, { id }, ctx) => restoreLecture(ctx, { id: id.id }, query),
  }),
}));

import { nodeWhere } from '../resolvers/access.js';
import {
  createLectureSeries,
  deleteLectureSeries,
  restoreLectureSeries,
  updateLectureSeries,
} from '../resolvers/lectures/lecture-series.js';
import { MAX_OCCURRENCES, MAX_SERIES_DAYS } from '../resolvers/lectures/recurrence.js';
import { builder } from './builder.js';
import { CourseType } from './course.js';
import { deletionPayload } from './deletion.js';
import { LectureType } from './lecture.js';

const RULE = `An RFC 5545 RRULE value, e.g. \`FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270131T235959Z\`: FREQ DAILY or WEEKLY, with INTERVAL, BYDAY, WKST and an end (UNTIL or COUNT; at most ${MAX_OCCURRENCES} occurrences within ${MAX_SERIES_DAYS} days of the first start). UNTIL may be a UTC date-time, or a local date-time or date in your time zone.`;

export const LectureSeriesType = builder.prismaNode('LectureSeries', {
  description:
    'A lecture that repeats: a slot of your weekly timetable. Its occurrences are lectures (on the agenda, in reminders and in the calendar feed), expanded in your time zone when the series is created or edited, so they keep their local time across daylight-saving changes. Edit one occurrence with updateLecture or cancel it with deleteLecture; edit them all with updateLectureSeries.',
  id: { field: 'id' },
  findUnique: (id, ctx) => nodeWhere(ctx, 'LectureSeries', id),
  nullable: true,
  fields: (t) => ({
    title: t.exposeString('title', { description: 'What the lectures are about, 1 to 200 characters.' }),
    location: t.exposeString('location', { nullable: true, description: 'Where they take place, if known.' }),
    recurrence: t.exposeString('recurrence', {
      description: 'The rule, as an RFC 5545 RRULE value (UNTIL as a UTC date-time).',
    }),
    startsAt: t.expose('startsAt', {
      type: 'DateTime',
      description: 'The first start given: its wall-clock time in `timezone` is every occurrence’s.',
    }),
    endsAt: t.expose('endsAt', { type: 'DateTime', description: 'The end that goes with `startsAt`.' }),
    timezone: t.exposeString('timezone', { description: 'The IANA time zone the rule repeats in.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the series was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the series last changed.' }),
    course: t.relation('course', { description: 'The course it belongs to.' }),
    lectures: t.relatedConnection('lectures', {
      description: 'Its occurrences by start time (cancelled ones are deleted lectures and do not appear).',
      cursor: 'id',
      totalCount: true,
      query: { orderBy: [{ startsAt: 'asc' }, { id: 'asc' }] },
    }),
  }),
});

builder.prismaObjectField(LectureType, 'series', (t) =>
  t.relation('series', {
    nullable: true,
    description: 'The series this lecture is an occurrence of; null for a one-off lecture.',
  }),
);
builder.prismaObjectField(LectureType, 'occurrenceDate', (t) =>
  t.string({
    nullable: true,
    select: { occurrenceDate: true },
    description:
      'The day of the series this occurrence is for, as YYYY-MM-DD in the series’ time zone (its RFC 5545 RECURRENCE-ID); null for a one-off lecture.',
    resolve: (lecture) => lecture.occurrenceDate?.toISOString().slice(0, 10) ?? null,
  }),
);

const span = 'At most 24 hours after startsAt; both between 2000-01-01 and 2100-01-01.';
const CreateLectureSeriesInput = builder.inputType('CreateLectureSeriesInput', {
  description: 'A new repeating lecture in one of your courses.',
  fields: (t) => ({
    courseId: t.globalID({ for: CourseType, description: 'Global id of one of your courses.' }),
    title: t.string({ description: '1 to 200 characters.' }),
    startsAt: t.field({
      type: 'DateTime',
      description: 'The first possible start: its local time (in your time zone) is every occurrence’s.',
    }),
    endsAt: t.field({ type: 'DateTime', description: `The first end. ${span}` }),
    location: t.string({ required: false, description: 'Up to 200 characters; empty means none.' }),
    recurrence: t.string({ description: RULE }),
  }),
});
const UpdateLectureSeriesInput = builder.inputType('UpdateLectureSeriesInput', {
  description:
    'Fields left out keep their value. Every occurrence follows except those edited or cancelled on their own.',
  fields: (t) => ({
    title: t.string({ required: false, description: '1 to 200 characters.' }),
    location: t.string({ required: false, description: 'Up to 200 characters; null or empty clears it.' }),
    startsAt: t.field({ type: 'DateTime', required: false, description: 'A new first start (and local time).' }),
    endsAt: t.field({ type: 'DateTime', required: false, description: `A new first end. ${span}` }),
    recurrence: t.string({ required: false, description: RULE }),
  }),
});
const DeleteLectureSeriesPayload = deletionPayload('LectureSeries', {
  type: 'The lecture series removed, with its occurrences.',
  deletedId: 'Global id of the deleted series; restoreLectureSeries takes it.',
  deletionId: 'Groups the rows this deletion took (the series and its live occurrences).',
});
const seriesId = { for: LectureSeriesType, description: 'Global id of one of your lecture series.' } as const;

builder.mutationFields((t) => ({
  createLectureSeries: t.prismaField({
    type: 'LectureSeries',
    description:
      'Adds a repeating lecture to one of your courses: the series and every occurrence (as lectures). Records lectureSeries.created.',
    authScopes: { signedIn: true },
    args: { input: t.arg({ type: CreateLectureSeriesInput, description: 'The new series.' }) },
    resolve: (_query, _root, { input }, ctx) => createLectureSeries(ctx, { ...input, courseId: input.courseId.id }),
  }),
  updateLectureSeries: t.prismaField({
    type: 'LectureSeries',
    description:
      'Edits the whole series ("all occurrences"): occurrences move, are renamed, removed or added as the new rule says; those edited or cancelled on their own stay as they are. Records lectureSeries.updated.',
    authScopes: { signedIn: true },
    args: {
      id: t.arg.globalID(seriesId),
      input: t.arg({ type: UpdateLectureSeriesInput, description: 'What to change.' }),
    },
    resolve: (_query, _root, { id, input }, ctx) => updateLectureSeries(ctx, { ...input, id: id.id }),
  }),
  deleteLectureSeries: t.field({
    type: DeleteLectureSeriesPayload,
    description:
      'Deletes one of your lecture series with its occurrences (soft: restoreLectureSeries brings them back). Records lectureSeries.deleted.',
    authScopes: { signedIn: true },
    args: { id: t.arg.globalID(seriesId) },
    resolve: (_root, { id }, ctx) => deleteLectureSeries(ctx, { id: id.id }),
  }),
  restoreLectureSeries: t.prismaField({
    type: 'LectureSeries',
    description:
      'Brings back a deleted lecture series and the occurrences its deletion took; a live one is returned unchanged. CONFLICT while its course is deleted.',
    authScopes: { signedIn: true },
    args: { id: t.arg.globalID(seriesId) },
    resolve: (_query, _root, { id }, ctx) => restoreLectureSeries(ctx, { id: id.id }),
  }),
}));

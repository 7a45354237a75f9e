import { AssignmentType } from './assignment.js';
import { builder } from './builder.js';
import { CourseType } from './course.js';
import { optionalRawId } from './global-ids.js';
import { searchDescription } from './find-and-sort.js';

// The input types of the study-session mutations and of the studySessions filter.

const span = 'At most 24 hours after startsAt; both between 2000-01-01 and 2100-01-01.';
const assignmentRule = 'Global id of one of your assignments in the same course';
const optionalCourse = { for: CourseType, required: false } as const;
const optionalAssignment = { for: AssignmentType, required: false } as const;
export const CreateStudySessionInput = builder.inputType('CreateStudySessionInput', {
  description: 'A new study session in one of your courses.',
  fields: (t) => ({
    courseId: t.globalID({ for: CourseType, description: 'Global id of one of your courses.' }),
    assignmentId: t.globalID({ ...optionalAssignment, description: `${assignmentRule} (else BAD_USER_INPUT).` }),
    title: t.string({ description: '1 to 200 characters.' }),
    startsAt: t.field({ type: 'DateTime', description: 'Planned start.' }),
    endsAt: t.field({ type: 'DateTime', description: `Planned end. ${span}` }),
    notes: t.string({ required: false, description: 'Up to 5000 characters; empty means none.' }),
  }),
});
export const UpdateStudySessionInput = builder.inputType('UpdateStudySessionInput', {
  description: 'Fields left out keep their value. A new start or end is checked against the stored other end.',
  fields: (t) => ({
    courseId: t.globalID({ ...optionalCourse, description: 'Moves it to another of your courses (global id).' }),
    assignmentId: t.globalID({ ...optionalAssignment, description: `${assignmentRule}; null unlinks it.` }),
    title: t.string({ required: false, description: '1 to 200 characters.' }),
    startsAt: t.field({ type: 'DateTime', required: false, description: 'Planned start.' }),
    endsAt: t.field({ type: 'DateTime', required: false, description: `Planned end. ${span}` }),
    notes: t.string({ required: false, description: 'Up to 5000 characters; null or empty clears them.' }),
  }),
});
export const StudySessionFilter = builder.inputType('StudySessionFilter', {
  description: 'Fields left out do not filter. The window is by planned start: from <= startsAt < to.',
  fields: (t) => ({
    courseId: t.globalID({ ...optionalCourse, description: 'Only sessions of this course of yours (global id).' }),
    assignmentId: t.globalID({
      ...optionalAssignment,
      description: 'Only sessions for this assignment of yours (global id).',
    }),
    from: t.field({ type: 'DateTime', required: false, description: 'Only sessions starting at or after this.' }),
    to: t.field({ type: 'DateTime', required: false, description: 'Only sessions starting before this.' }),
    search: t.string({ required: false, description: searchDescription('title or notes') }),
  }),
});

type GlobalId = { id: string } | null | undefined;
type RawIds<T> = Omit<T, 'courseId' | 'assignmentId'> & { courseId?: string | null; assignmentId?: string | null };
/** The raw course and assignment ids of an input or filter (null stays null: it may mean "unlink"). */
export const withRawIds = <T extends { courseId?: GlobalId; assignmentId?: GlobalId }>(input: T): RawIds<T> => ({
  ...input,
  courseId: optionalRawId(input.courseId),
  assignmentId: optionalRawId(input.assignmentId),
});

import type { Assignment, Lecture, StudySession } from '../generated/prisma/client.js';
import { getTaskCourse } from '../resolvers/tasks/get-task-course.js';
import { quote, sqlForm } from '../db/sql.js';
import { builder } from './builder.js';
import { deletionPayload } from './deletion.js';
import { CourseType } from './course.js';

/** What every task type selects always (select mode): what the Task interface's fields read. */
export type TaskShape =
  | Pick<Assignment, 'id' | 'title' | 'dueAt' | 'courseId'>
  | Pick<Lecture, 'id' | 'title' | 'startsAt' | 'courseId'>
  | Pick<StudySession, 'id' | 'title' | 'startsAt' | 'courseId' | 'assignmentId'>;

export const TaskKind = builder.enumType('TaskKind', {
  description: 'The three kinds of task.',
  values: {
    ASSIGNMENT: { description: 'Work with a due date.' },
    LECTURE: { description: 'A scheduled class meeting.' },
    STUDY_SESSION: { description: 'Planned study time.' },
  },
});

export function taskKind(task: TaskShape): 'ASSIGNMENT' | 'LECTURE' | 'STUDY_SESSION' {
  if ('dueAt' in task) return 'ASSIGNMENT';
  if ('assignmentId' in task) return 'STUDY_SESSION';
  return 'LECTURE';
}

const TYPE_NAMES = { ASSIGNMENT: 'Assignment', LECTURE: 'Lecture', STUDY_SESSION: 'StudySession' } as const;

/** The rules of `kind` and `scheduledAt` in SQL, per task type (the planned path). */
const kindSql = sqlForm({
  kind: 'perType',
  forms: Object.fromEntries(
    Object.entries(TYPE_NAMES).map(([kind, type]) => [
      type,
      { kind: 'computed', sql: () => `${quote(kind)}::text`, usesNow: false },
    ]),
  ),
});
const scheduledAtSql = sqlForm({
  kind: 'perType',
  forms: {
    Assignment: { kind: 'column', column: 'dueAt', type: 'datetime' },
    Lecture: { kind: 'column', column: 'startsAt', type: 'datetime' },
    StudySession: { kind: 'column', column: 'startsAt', type: 'datetime' },
  },
});

/** What assignments, lectures and study sessions have in common: a titled item on the agenda. */
export const TaskRef = builder.interfaceRef<TaskShape>('Task').implement({
  description: 'An assignment, lecture or study session: anything with a time on the agenda.',
  interfaces: [builder.nodeInterfaceRef()],
  resolveType: (task) => TYPE_NAMES[taskKind(task)],
  fields: (t) => ({
    // Each task type overrides this with its own prisma relation (merged into the parent query);
    // this fallback is batched by Prisma's findUnique batching.
    course: t.field({
      type: CourseType,
      description: 'The course it belongs to.',
      resolve: (task, _args, ctx) => getTaskCourse(ctx, { courseId: task.courseId }),
    }),
    title: t.exposeString('title', { description: 'What it is, as the student named it.' }),
    kind: t.field({
      type: TaskKind,
      description: 'Which of the three kinds it is.',
      extensions: kindSql,
      resolve: (task) => taskKind(task),
    }),
    scheduledAt: t.field({
      type: 'DateTime',
      description: 'When it is on the agenda: the due time of an assignment, the start of a lecture or study session.',
      extensions: scheduledAtSql,
      resolve: (task) => ('dueAt' in task ? task.dueAt : task.startsAt),
    }),
  }),
});

const DELETED = {
  Lecture: { label: 'lecture', short: 'lecture', remove: 'deleteLecture', restore: 'restoreLecture' },
  StudySession: {
    label: 'study session',
    short: 'session',
    remove: 'deleteStudySession',
    restore: 'restoreStudySession',
  },
} as const;

/** `Delete<Type>Payload` of a lecture or study session (the shape of every delete payload). */
export function taskDeletionPayload(typename: keyof typeof DELETED) {
  const { label, short, remove, restore } = DELETED[typename];
  return deletionPayload(typename, {
    type: `The ${label} ${remove} removed.`,
    deletedId: `Global id of the deleted ${short}; ${restore} takes it.`,
    deletionId: `Groups the rows this deletion took (here the ${label} alone); ${restore} brings back exactly these.`,
  });
}

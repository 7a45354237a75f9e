import type { TaskUpdateMessage } from '../events/live.js';
import { loadTask } from '../resolvers/tasks/load-task.js';
import { subscribeTaskUpdates } from '../resolvers/tasks/subscribe-task-updates.js';
import { AssignmentType } from './assignment.js';
import { builder } from './builder.js';
import { CourseType } from './course.js';
import { LectureType } from './lecture.js';
import { StudySessionType } from './study-session.js';
import { TaskKind, TaskRef } from './task.js';

const TaskChange = builder.enumType('TaskChange', {
  description: 'What happened to a task.',
  values: {
    CREATED: { description: 'It was added.' },
    UPDATED: { description: 'Its fields changed.' },
    COMPLETED: { description: 'An assignment was marked done.' },
    REOPENED: { description: 'A completed assignment was marked not done.' },
    DELETED: { description: 'It was deleted (alone or with its course).' },
    RESTORED: { description: 'It came back from a deletion.' },
  },
});

const TYPES = { ASSIGNMENT: AssignmentType, LECTURE: LectureType, STUDY_SESSION: StudySessionType } as const;

const TaskUpdate = builder.objectRef<TaskUpdateMessage>('TaskUpdate').implement({
  description: 'One change to one of your tasks, as it happens.',
  fields: (t) => ({
    eventId: t.exposeID('eventId', {
      description:
        'The domain event behind it (or, on a stream resumed with `after`, its change-log entry). Delivery of a live-only stream is at least once: de-duplicate by this id.',
    }),
    cursor: t.field({
      type: 'SyncCursor',
      nullable: true,
      description:
        "On a stream started with `after`: this change's position; pass it as `after` to resume right after it (docs/sync.md). Null on a live-only stream.",
      resolve: (m) => m.cursor ?? null,
    }),
    change: t.field({
      type: TaskChange,
      description: 'What happened.',
      resolve: (m) => m.type.split('.')[1]!.toUpperCase() as 'CREATED',
    }),
    kind: t.field({ type: TaskKind, description: 'Which kind of task.', resolve: (m) => m.kind }),
    taskId: t.globalID({
      description: 'Global id of the task (also when it was deleted).',
      resolve: (m) => ({ type: TYPES[m.kind], id: m.taskId }),
    }),
    courseId: t.globalID({
      description: 'Global id of its course.',
      resolve: (m) => ({ type: CourseType, id: m.courseId }),
    }),
    occurredAt: t.field({
      type: 'DateTime',
      description: 'When the change was made.',
      resolve: (m) => new Date(m.occurredAt),
    }),
    task: t.field({
      type: TaskRef,
      nullable: true,
      description: 'The task as it is now; null when it is deleted.',
      resolve: (m, _args, ctx) => loadTask(ctx, { kind: m.kind, id: m.taskId }),
    }),
  }),
});

builder.subscriptionType({ description: 'Live updates (graphql-ws over WebSocket, or SSE).' });

builder.subscriptionField('taskUpdates', (t) =>
  t.field({
    type: TaskUpdate,
    description:
      "Your own task changes as they happen: each with the change and the task. Over WebSocket (graphql-ws: send `{ authorization: 'Bearer <token>' }` as connection params) or SSE (`Accept: text/event-stream` with the usual Authorization header).",
    authScopes: { signedIn: true },
    args: {
      courseId: t.arg.globalID({
        for: CourseType,
        required: false,
        description: 'Only changes to tasks of this course.',
      }),
      after: t.arg({
        type: 'SyncCursor',
        required: false,
        description:
          'Resume (docs/sync.md): first every change since this cursor (a `cursor` of an earlier message, or of `changes`), from the change log, then the new ones, with no gap and no duplicate, each with its `cursor`. Left out: live only (at least once).',
      }),
    },
    subscribe: (_root, args, ctx) =>
      subscribeTaskUpdates(ctx, { courseId: args.courseId?.id, after: args.after ?? null }),
    resolve: (message) => message,
  }),
);

import { sqlForm } from '../db/sql.js';
import { timedTasksSqlForm } from '../resolvers/timed-tasks/list-timed-tasks.js';
import { createStudySession } from '../resolvers/study-sessions/create-study-session.js';
import { deleteStudySession } from '../resolvers/study-sessions/delete-study-session.js';
import { getStudySession } from '../resolvers/study-sessions/get-study-session.js';
import { countStudySessions } from '../resolvers/study-sessions/count-study-sessions.js';
import { listStudySessions } from '../resolvers/study-sessions/list-study-sessions.js';
import { logStudySession } from '../resolvers/study-sessions/log-study-session.js';
import { restoreStudySession } from '../resolvers/study-sessions/restore-study-session.js';
import { updateStudySession } from '../resolvers/study-sessions/update-study-session.js';
import { nodeWhere } from '../resolvers/access.js';
import { builder } from './builder.js';
import {
  CreateStudySessionInput,
  StudySessionFilter,
  UpdateStudySessionInput,
  withRawIds,
} from './study-session-inputs.js';
import { TaskRef, taskDeletionPayload } from './task.js';
import { TimedTaskOrder } from './find-and-sort.js';

export const StudySessionType = builder.prismaNode('StudySession', {
  description: 'Planned study time for a course, optionally for one assignment.',
  // Select mode: only the columns the query asks for are read (exposed fields add their own).
  // title, startsAt, courseId and assignmentId always: the Task interface's fields (assignmentId tells a
  // session from a lecture) and the task events read them.
  select: { id: true, title: true, startsAt: true, courseId: true, assignmentId: true },
  id: { field: 'id' },
  interfaces: [TaskRef],
  findUnique: (id, ctx) => nodeWhere(ctx, 'StudySession', id),
  // node(id) of a session that is missing, deleted or not the viewer's: null, not a masked P2025.
  nullable: true,
  fields: (t) => ({
    title: t.exposeString('title', { description: 'What to study, 1 to 200 characters.' }),
    startsAt: t.expose('startsAt', { type: 'DateTime', description: 'Planned start.' }),
    endsAt: t.expose('endsAt', { type: 'DateTime', description: 'Planned end (at most 24 hours after the start).' }),
    actualMinutes: t.exposeInt('actualMinutes', {
      nullable: true,
      description: 'Minutes actually studied, once logged.',
    }),
    notes: t.exposeString('notes', { nullable: true, description: 'Free-form notes, up to 5000 characters.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the session was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the session last changed.' }),
    course: t.relation('course', { description: 'The course it belongs to.' }),
    assignment: t.relation('assignment', {
      nullable: true,
      description: 'The assignment this session is for; null when none or when it was deleted.',
    }),
  }),
});

const DeleteStudySessionPayload = taskDeletionPayload('StudySession');

const sessionId = { for: StudySessionType, description: 'Global id of one of your study sessions.' } as const;
const signedIn = { signedIn: true };

builder.queryFields((t) => ({
  studySession: t.prismaField({
    type: 'StudySession',
    description: "One of your study sessions (an admin may read anyone's). NOT_FOUND if missing, deleted or not yours.",
    authScopes: signedIn,
    args: { id: t.arg.globalID({ for: StudySessionType, description: 'Global id of the study session.' }) },
    // getStudySession on the planned path: the live row by id; the request path applies mayAccess.
    extensions: sqlForm({ kind: 'byId' }),
    resolve: (query, _root, { id }, ctx) => getStudySession(ctx, { id: id.id }, query),
  }),
  studySessions: t.prismaConnection(
    {
      type: 'StudySession',
      cursor: 'id',
      description: 'Your study sessions by planned start, then id, unless orderBy says otherwise.',
      authScopes: signedIn,
      args: {
        filter: t.arg({
          type: StudySessionFilter,
          required: false,
          description: 'Course, assignment, window, search.',
        }),
        orderBy: t.arg({
          type: TimedTaskOrder,
          required: false,
          description: 'The order of the pages (default: start ascending); ties by id.',
        }),
      },
      extensions: sqlForm(timedTasksSqlForm),
      totalCount: (_parent, { filter }, ctx) => countStudySessions(ctx, withRawIds(filter ?? {})),
      resolve: (query, _root, { filter, orderBy }, ctx) =>
        listStudySessions(ctx, { ...withRawIds(filter ?? {}), orderBy }, query),
    },
    { description: 'A page of your study sessions.' },
    { description: 'One of your study sessions, with its cursor.' },
  ),
}));

builder.mutationFields((t) => ({
  createStudySession: t.prismaField({
    type: 'StudySession',
    description: 'Plans a study session in one of your courses. Records studySession.created.',
    authScopes: signedIn,
    args: { input: t.arg({ type: CreateStudySessionInput, description: 'The new session.' }) },
    resolve: (query, _root, { input }, ctx) =>
      createStudySession(ctx, { ...withRawIds(input), courseId: input.courseId.id }, query),
  }),
  updateStudySession: t.prismaField({
    type: 'StudySession',
    description: 'Changes one of your study sessions. Records studySession.updated.',
    authScopes: signedIn,
    args: {
      id: t.arg.globalID(sessionId),
      input: t.arg({ type: UpdateStudySessionInput, description: 'What to change.' }),
    },
    resolve: (query, _root, { id, input }, ctx) => updateStudySession(ctx, { ...withRawIds(input), id: id.id }, query),
  }),
  logStudySession: t.prismaField({
    type: 'StudySession',
    description: 'Records the minutes you actually studied (replacing any earlier log). Records studySession.updated.',
    authScopes: signedIn,
    args: {
      id: t.arg.globalID(sessionId),
      actualMinutes: t.arg.int({ description: 'Whole minutes actually studied, 0 to 1440.' }),
    },
    resolve: (query, _root, { id, actualMinutes }, ctx) => logStudySession(ctx, { id: id.id, actualMinutes }, query),
  }),
  deleteStudySession: t.field({
    type: DeleteStudySessionPayload,
    description:
      'Deletes one of your study sessions (soft: restoreStudySession brings it back). Records studySession.deleted.',
    authScopes: signedIn,
    args: { id: t.arg.globalID(sessionId) },
    resolve: (_root, { id }, ctx) => deleteStudySession(ctx, { id: id.id }),
  }),
  restoreStudySession: t.prismaField({
    type: 'StudySession',
    description:
      'Brings back one of your deleted study sessions (studySession.restored); a live one is returned unchanged. CONFLICT while its course is deleted: restore the course first. If its assignment was deleted meanwhile, it comes back unlinked.',
    authScopes: signedIn,
    args: { id: t.arg.globalID(sessionId) },
    resolve: (query, _root, { id }, ctx) => restoreStudySession(ctx, { id: id.id }, query),
  }),
}));

import { sqlForm, withSqlForm } from '../db/sql.js';
import { assignmentStatus, assignmentStatusSql } from '../resolvers/assignments/assignment-status.js';
import { completeAssignment } from '../resolvers/assignments/complete-assignment.js';
import { createAssignment } from '../resolvers/assignments/create-assignment.js';
import { deleteAssignment } from '../resolvers/assignments/delete-assignment.js';
import { getAssignment } from '../resolvers/assignments/get-assignment.js';
import {
  assignmentsSqlForm,
  countAssignments,
  listAssignments,
  listAssignmentsWithCount,
} from '../resolvers/assignments/list-assignments.js';
import { reopenAssignment } from '../resolvers/assignments/reopen-assignment.js';
import { restoreAssignment } from '../resolvers/assignments/restore-assignment.js';
import { updateAssignment } from '../resolvers/assignments/update-assignment.js';
import { mergeReplacedArgument } from '../versioning/compat.js';
import { localDay } from '../versioning/dates.js';
import { deprecated } from '../versioning/deprecate.js';
import { builder } from './builder.js';
import { rememberTotalCount, selectsTotalCount, totalCountOf } from './connection-count.js';
import { cascadeDeletionDocs, CourseType } from './course.js';
import { deletionPayload } from './deletion.js';
import { nodeLookup } from './global-ids.js';
import { TaskRef } from './task.js';
import { AssignmentOrder, searchDescription } from './find-and-sort.js';

export const Priority = builder.enumType('Priority', {
  description: 'How important an assignment is.',
  values: {
    LOW: { description: 'Can wait.' },
    MEDIUM: { description: 'The default.' },
    HIGH: { description: 'Do it soon.' },
    URGENT: { description: 'Do it first.' },
  },
});

export const AssignmentStatus = builder.enumType('AssignmentStatus', {
  description: 'Where an assignment stands, at the time of the request.',
  values: {
    UPCOMING: { description: 'Not completed, and due now or later.' },
    OVERDUE: { description: 'Not completed, and its due time has passed.' },
    COMPLETED: { description: 'Marked as done (completedAt is set).' },
  },
});

export const AssignmentType = builder.prismaNode('Assignment', {
  description: 'Work with a due date, such as homework or an essay.',
  // Select mode: only the columns the query asks for are read (exposed fields add their own).
  // title, dueAt and courseId always: the Task interface's fields and the task events read them.
  select: { id: true, title: true, dueAt: true, courseId: true },
  id: { field: 'id' },
  interfaces: [TaskRef],
  findUnique: nodeLookup('Assignment'),
  // node(id) of a row that is missing, deleted or not the viewer's: null, not a masked P2025.
  nullable: true,
  fields: (t) => ({
    title: t.exposeString('title', { description: '1 to 200 characters.' }),
    description: t.exposeString('description', { nullable: true, description: 'Notes, up to 5000 characters.' }),
    dueAt: t.expose('dueAt', { type: 'DateTime', description: 'When it is due.' }),
    dueDate: t.string({
      description: "The due day, YYYY-MM-DD, in its owner's time zone (UTC when unknown).",
      ...deprecated({
        reason: 'A day has no time and depends on a time zone the client cannot see.',
        replacement: 'dueAt',
        deprecatedOn: '2026-11-25',
        sunset: '2027-06-01',
        migration: "Select dueAt (an ISO 8601 instant) and format it in the user's time zone on the client.",
      }),
      select: { user: { select: { timezone: true } } },
      resolve: (assignment) => localDay(assignment.dueAt, assignment.user?.timezone),
    }),
    completedAt: t.expose('completedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was marked done; null while open.',
    }),
    isCompleted: t.boolean({
      description: 'True once it is marked done (completedAt is set).',
      ...withSqlForm(
        deprecated({
          reason: 'A boolean cannot tell an overdue assignment from an upcoming one, nor when it was done.',
          replacement: 'status or completedAt',
          deprecatedOn: '2026-11-25',
          sunset: '2027-06-01',
          migration: 'Select status (COMPLETED when done) or completedAt (null while open).',
        }),
        { kind: 'computed', sql: (r) => `(${r}."completedAt" IS NOT NULL)`, usesNow: false },
      ),
      select: { completedAt: true },
      resolve: (assignment) => assignment.completedAt !== null,
    }),
    status: t.field({
      type: AssignmentStatus,
      description: 'UPCOMING, OVERDUE or COMPLETED, from completedAt and dueAt at the time of the request.',
      select: { completedAt: true },
      extensions: sqlForm({ kind: 'computed', sql: assignmentStatusSql, usesNow: true }),
      resolve: (a, _args, ctx) => assignmentStatus(a, ctx.now()),
    }),
    priority: t.expose('priority', { type: Priority, description: 'How important it is.' }),
    estimatedMinutes: t.exposeInt('estimatedMinutes', {
      nullable: true,
      description: 'Expected effort in minutes (1 to 10000).',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it last changed.' }),
    course: t.relation('course', { description: 'The course it belongs to.' }),
    studySessions: t.relatedConnection('studySessions', {
      description: 'Study sessions planned for this assignment.',
      cursor: 'id',
      totalCount: true,
      query: { orderBy: [{ startsAt: 'asc' }, { id: 'asc' }] },
    }),
  }),
});

const DeleteAssignmentPayload = deletionPayload('Assignment', cascadeDeletionDocs('assignment'));

const text = {
  description: 'Notes, up to 5000 characters; null or blank clears them.',
  dueAt: 'When it is due, from 2000-01-01 to before 2100-01-01.',
  estimatedMinutes: 'Expected effort, 1 to 10000 minutes; null clears it.',
} as const;

const CreateAssignmentInput = builder.inputType('CreateAssignmentInput', {
  description: 'A new assignment.',
  fields: (t) => ({
    courseId: t.globalID({ for: CourseType, description: 'One of your live courses; otherwise NOT_FOUND.' }),
    title: t.string({ description: '1 to 200 characters.' }),
    description: t.string({ required: false, description: text.description }),
    dueAt: t.field({ type: 'DateTime', description: text.dueAt }),
    priority: t.field({ type: Priority, required: false, description: 'Defaults to MEDIUM.' }),
    estimatedMinutes: t.int({ required: false, description: text.estimatedMinutes }),
  }),
});

const UpdateAssignmentInput = builder.inputType('UpdateAssignmentInput', {
  description: 'Fields left out keep their value; give at least one. The course cannot be changed.',
  fields: (t) => ({
    title: t.string({ required: false, description: '1 to 200 characters; cannot be null.' }),
    description: t.string({ required: false, description: text.description }),
    dueAt: t.field({ type: 'DateTime', required: false, description: `${text.dueAt} Cannot be null.` }),
    priority: t.field({ type: Priority, required: false, description: 'Cannot be null.' }),
    estimatedMinutes: t.int({ required: false, description: text.estimatedMinutes }),
  }),
});

const AssignmentFilter = builder.inputType('AssignmentFilter', {
  description: 'Narrows `assignments`; every given condition must hold.',
  fields: (t) => ({
    courseId: t.globalID({ for: CourseType, required: false, description: 'Only this course (one of your own).' }),
    status: t.field({ type: AssignmentStatus, required: false, description: 'Only this status, right now.' }),
    dueAfter: t.field({ type: 'DateTime', required: false, description: 'Due at or after this instant.' }),
    dueBefore: t.field({ type: 'DateTime', required: false, description: 'Due before this instant; after dueAfter.' }),
    search: t.string({ required: false, description: searchDescription('title or description') }),
    priority: t.field({ type: Priority, required: false, description: 'Only this priority.' }),
  }),
});

const assignmentId = { for: AssignmentType, description: "The assignment's global id." } as const;

type AssignmentsArgs = {
  filter?: { courseId?: { id: string } | null } | null;
  courseId?: { id: string } | null;
  orderBy?: typeof AssignmentOrder.$inferInput | null;
};

/** The `assignments` filter, with the deprecated `courseId` argument merged into it, and the order. */
function filterOf<A extends AssignmentsArgs>(args: A) {
  const courseId = mergeReplacedArgument(args.courseId?.id, args.filter?.courseId?.id, {
    deprecated: 'courseId',
    replacement: 'filter.courseId',
  });
  return { ...args.filter, courseId, orderBy: args.orderBy };
}

builder.queryFields((t) => ({
  assignment: t.prismaField({
    type: 'Assignment',
    description: "One of your assignments (an admin may read anyone's). Another user's or a deleted one is NOT_FOUND.",
    authScopes: { signedIn: true },
    args: { id: t.arg.globalID(assignmentId) },
    // getAssignment on the planned path: the live row by id; the request path applies mayAccess.
    extensions: sqlForm({ kind: 'byId' }),
    resolve: (query, _root, { id }, ctx) => getAssignment(ctx, { id: id.id }, query),
  }),
  assignments: t.prismaConnection(
    {
      type: 'Assignment',
      cursor: 'id',
      description: 'Your own live assignments, by due date then id unless orderBy says otherwise.',
      authScopes: { signedIn: true },
      extensions: sqlForm(assignmentsSqlForm),
      args: {
        filter: t.arg({ type: AssignmentFilter, required: false, description: 'Conditions on the assignments.' }),
        orderBy: t.arg({
          type: AssignmentOrder,
          required: false,
          description: 'The order of the pages (default: due date ascending); ties by id.',
        }),
        courseId: t.arg.globalID({
          for: CourseType,
          required: false,
          description: 'Only this course, as filter.courseId; given both, they must agree (else BAD_USER_INPUT).',
          ...deprecated({
            reason: 'Conditions on assignments belong together in the filter.',
            replacement: 'filter.courseId',
            deprecatedOn: '2026-11-25',
            sunset: '2027-03-01',
            migration: 'Pass assignments(filter: { courseId }) instead of assignments(courseId:).',
          }),
        }),
      },
      totalCount: (_root, args, ctx, info) => totalCountOf(info, () => countAssignments(ctx, filterOf(args))),
      // Asked for totalCount too: page and count in one statement.
      resolve: async (query, _root, args, ctx, info) => {
        if (!selectsTotalCount(info)) return listAssignments(ctx, filterOf(args), query);
        const { items, count } = await listAssignmentsWithCount(ctx, filterOf(args), query);
        rememberTotalCount(info, count);
        return items;
      },
    },
    { description: 'A page of your assignments.' },
    { description: 'One of your assignments, with its cursor.' },
  ),
}));

builder.mutationFields((t) => ({
  createAssignment: t.prismaField({
    type: 'Assignment',
    description: 'Adds an assignment to one of your courses. Records `assignment.created`.',
    authScopes: { signedIn: true },
    args: { input: t.arg({ type: CreateAssignmentInput, description: 'The new assignment.' }) },
    resolve: (query, _root, { input }, ctx) => createAssignment(ctx, { ...input, courseId: input.courseId.id }, query),
  }),
  updateAssignment: t.prismaField({
    type: 'Assignment',
    description: 'Changes one of your assignments and returns it. Records `assignment.updated`.',
    authScopes: { signedIn: true },
    args: {
      id: t.arg.globalID(assignmentId),
      input: t.arg({ type: UpdateAssignmentInput, description: 'What to change.' }),
    },
    resolve: (query, _root, { id, input }, ctx) => updateAssignment(ctx, { ...input, id: id.id }, query),
  }),
  completeAssignment: t.prismaField({
    type: 'Assignment',
    description: 'Marks it done now. Already completed: returned unchanged. Records `assignment.completed`.',
    authScopes: { signedIn: true },
    args: { id: t.arg.globalID(assignmentId) },
    resolve: (query, _root, { id }, ctx) => completeAssignment(ctx, { id: id.id }, query),
  }),
  reopenAssignment: t.prismaField({
    type: 'Assignment',
    description: 'Marks it not done. Not completed: returned unchanged. Records `assignment.reopened`.',
    authScopes: { signedIn: true },
    args: { id: t.arg.globalID(assignmentId) },
    resolve: (query, _root, { id }, ctx) => reopenAssignment(ctx, { id: id.id }, query),
  }),
  deleteAssignment: t.field({
    type: DeleteAssignmentPayload,
    description:
      'Deletes one of your assignments and its study sessions (soft, one deletionId; restoreAssignment ' +
      'undoes it). Records `assignment.deleted`.',
    authScopes: { signedIn: true },
    args: { id: t.arg.globalID(assignmentId) },
    resolve: (_root, { id }, ctx) => deleteAssignment(ctx, { id: id.id }),
  }),
  restoreAssignment: t.prismaField({
    type: 'Assignment',
    description:
      'Brings back a deleted assignment and the study sessions its deletion took. While its course is deleted: ' +
      'CONFLICT (restore the course first). Not deleted: returned unchanged. Records `assignment.restored`.',
    authScopes: { signedIn: true },
    args: { id: t.arg.globalID(assignmentId) },
    resolve: (query, _root, { id }, ctx) => restoreAssignment(ctx, { id: id.id }, query),
  }),
}));

import { queryFromInfo } from '@pothos/plugin-prisma';
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { decodeSyncCursor, InvalidSyncCursor, type SyncPosition } from '../resolvers/sync/cursor.js';
import {
  DEFAULT_SYNC_PAGE,
  listChanges,
  MAX_SYNC_PAGE,
  type ChangesPage,
  type SyncChangeItem,
} from '../resolvers/sync/list-changes.js';
import { AssignmentType } from './assignment.js';
import { builder } from './builder.js';
import { CourseType } from './course.js';
import { LectureType } from './lecture.js';
import { StudySessionType } from './study-session.js';

function parseCursor(value: unknown): SyncPosition {
  try {
    return decodeSyncCursor(value);
  } catch (err) {
    if (err instanceof InvalidSyncCursor)
      throw new GraphQLError(err.message, { extensions: { code: 'BAD_USER_INPUT' } });
    throw err;
  }
}

builder.addScalarType(
  'SyncCursor',
  new GraphQLScalarType<SyncPosition, string>({
    name: 'SyncCursor',
    description:
      'A position in your change log (docs/sync.md): opaque, pass it back unchanged as `changes(since:)`, `taskUpdates(after:)` or `notifications(after:)`.',
    serialize: (value) => {
      if (typeof value !== 'string') throw new TypeError('SyncCursor: not an encoded cursor');
      return value;
    },
    parseValue: parseCursor,
    parseLiteral: (ast) => {
      if (ast.kind !== Kind.STRING)
        throw new GraphQLError('A SyncCursor is a string.', { extensions: { code: 'BAD_USER_INPUT' } });
      return parseCursor(ast.value);
    },
  }),
  {},
);

const SyncKind = builder.enumType('SyncKind', {
  description: 'What a change is about.',
  values: {
    COURSE: { description: 'A course.' },
    ASSIGNMENT: { description: 'An assignment.' },
    LECTURE: { description: 'A lecture.' },
    STUDY_SESSION: { description: 'A study session.' },
  },
});

const SyncOperation = builder.enumType('SyncOperation', {
  description: 'The last change recorded for an entity in a `changes` page.',
  values: {
    SNAPSHOT: { description: 'Part of a full sync (since: null): the row as it is now.' },
    CREATED: { description: 'It was added.' },
    UPDATED: { description: 'Its fields changed.' },
    COMPLETED: { description: 'An assignment was marked done.' },
    REOPENED: { description: 'A completed assignment was marked not done.' },
    DELETED: { description: 'It was deleted (alone, or with its course).' },
    RESTORED: { description: 'It came back from a deletion.' },
  },
});

const TYPES = {
  COURSE: CourseType,
  ASSIGNMENT: AssignmentType,
  LECTURE: LectureType,
  STUDY_SESSION: StudySessionType,
} as const;
const TYPE_NAMES = { COURSE: 'Course', ASSIGNMENT: 'Assignment', LECTURE: 'Lecture', STUDY_SESSION: 'StudySession' };

const SyncNode = builder.unionType('SyncNode', {
  description: 'A course or a task, as `changes` answers it.',
  types: [CourseType, AssignmentType, LectureType, StudySessionType],
  resolveType: (row) => {
    if ('dueAt' in row) return 'Assignment';
    if ('assignmentId' in row) return 'StudySession';
    if ('startsAt' in row) return 'Lecture';
    return 'Course';
  },
});

const SyncChangeRef = builder.objectRef<SyncChangeItem>('SyncChange').implement({
  description:
    'One entity as it is now, after what changed it: apply `node` (upsert by `id`), or, when `deleted`, remove the entity `id`.',
  fields: (t) => ({
    id: t.globalID({
      description: 'Global id of the course or task (also when it is deleted).',
      resolve: (c) => ({ type: TYPES[c.kind], id: c.id }),
    }),
    kind: t.field({ type: SyncKind, description: 'What it is.', resolve: (c) => c.kind }),
    typename: t.string({
      description: 'The GraphQL type of `node` (Course, Assignment, Lecture, StudySession), also for a tombstone.',
      resolve: (c) => TYPE_NAMES[c.kind],
    }),
    operation: t.field({
      type: SyncOperation,
      description: 'The last change recorded for it.',
      resolve: (c) => c.operation,
    }),
    deleted: t.boolean({
      description: 'True for a tombstone: the entity is deleted now.',
      resolve: (c) => c.row === null,
    }),
    node: t.field({
      type: SyncNode,
      nullable: true,
      description: 'The row as it is now; null for a tombstone.',
      resolve: (c) => c.row,
    }),
    deletedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'Tombstones: when it was deleted.',
      resolve: (c) => c.deletedAt,
    }),
    deletionId: t.id({
      nullable: true,
      description:
        'Tombstones: the deletion that took it (a course and the tasks it cascaded to share one); `restoreCourse` brings them back together.',
      resolve: (c) => c.deletionId,
    }),
    changedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When its last change was made (null in a full sync).',
      resolve: (c) => c.changedAt,
    }),
  }),
});

const ChangesPageRef = builder.objectRef<ChangesPage>('ChangesPage').implement({
  description: 'A page of `changes`: apply `changes` in order, store `cursor`, and ask again while `hasMore`.',
  fields: (t) => ({
    changes: t.field({
      type: [SyncChangeRef],
      description: 'In commit order, one entry per entity (its state as of this answer).',
      resolve: (p) => p.changes,
    }),
    cursor: t.field({
      type: 'SyncCursor',
      description: 'Pass as `since` next time (and as `after` to resume a subscription).',
      resolve: (p) => p.cursor,
    }),
    hasMore: t.boolean({
      description: 'True when more changes are ready now: ask again at once.',
      resolve: (p) => p.hasMore,
    }),
    caughtUp: t.boolean({
      description:
        'False when changes of yours are committed but wait behind an older transaction still running (a page stops before it, to stay exact): ask again in a moment.',
      resolve: (p) => p.caughtUp,
    }),
    fullSync: t.boolean({
      description:
        'True while a full sync (since: null) is still sending rows: keep paging before relying on the state.',
      resolve: (p) => p.fullSync,
    }),
  }),
});

builder.queryField('changes', (t) =>
  t.field({
    type: ChangesPageRef,
    description: `What changed in your courses, assignments, lectures and study sessions since \`since\`, in commit order, with tombstones for deletions (see docs/sync.md). \`since: null\` starts a full sync: every live row, then the changes from then on. Exact under concurrent writers. A cursor older than the change log keeps answers SYNC_CURSOR_EXPIRED: sync again with \`since: null\`. Runs on the generic path (no SQL form): one SQL statement per page.`,
    authScopes: { signedIn: true },
    args: {
      since: t.arg({
        type: 'SyncCursor',
        required: false,
        description: 'The `cursor` of your last answer; null or left out: a full sync.',
      }),
      first: t.arg.int({
        required: false,
        description: `At most this many log entries per page (1 to ${MAX_SYNC_PAGE}, default ${DEFAULT_SYNC_PAGE}).`,
      }),
    },
    resolve: (_root, args, ctx, info) => {
      // The nodes' rows are read with what the selection asks of each type (relations included),
      // so Pothos answers their fields from them without loading again.
      const of = (typeName: string) => queryFromInfo({ context: ctx, info, typeName, path: ['changes', 'node'] });
      return listChanges(
        ctx,
        { since: args.since ?? null, first: args.first },
        {
          COURSE: of('Course'),
          ASSIGNMENT: of('Assignment'),
          LECTURE: of('Lecture'),
          STUDY_SESSION: of('StudySession'),
        },
      );
    },
  }),
);

import type { DbOrTx } from '../../db/client.js';
import type { TaskEventType } from '../../events/types.js';
import type { Lecture, Prisma, StudySession } from '../../generated/prisma/client.js';
import { orderByOf } from '../find-and-sort.js';
import type { Selection } from '../selection.js';

/** The kinds of task that take a time window on the agenda: lectures and study sessions. */
export type TimedEntity = 'Lecture' | 'StudySession';

/** What differs by kind, as Prisma types it. */
interface TimedModels {
  Lecture: {
    row: Lecture;
    find: Prisma.LectureFindUniqueArgs;
    list: Prisma.LectureFindManyArgs;
    create: Prisma.LectureUncheckedCreateInput;
    update: Prisma.LectureUncheckedUpdateInput;
  };
  StudySession: {
    row: StudySession;
    find: Prisma.StudySessionFindUniqueArgs;
    list: Prisma.StudySessionFindManyArgs;
    create: Prisma.StudySessionUncheckedCreateInput;
    update: Prisma.StudySessionUncheckedUpdateInput;
  };
}

export type TimedRow<E extends TimedEntity> = TimedModels[E]['row'];
/** The plugin-prisma selection of one row of kind E. */
export type TimedSelection<E extends TimedEntity> = Selection<TimedModels[E]['find']>;
/** The selection of a page of kind E, with the connection's paging (`cursor` is the row id a page starts after). */
export type TimedListQuery<E extends TimedEntity> = Selection<TimedModels[E]['list']> &
  Pick<TimedModels[E]['list'], 'take' | 'skip' | 'cursor'>;
/** The columns of a new row of kind E besides the shared ones (owner, course, title, window). */
export type TimedData<E extends TimedEntity> = Omit<
  TimedModels[E]['create'],
  'userId' | 'courseId' | 'title' | 'startsAt' | 'endsAt'
>;
/** Changes to columns of kind E besides the shared ones. */
export type TimedChanges<E extends TimedEntity> = Omit<
  TimedModels[E]['update'],
  'userId' | 'courseId' | 'title' | 'startsAt' | 'endsAt'
>;

/** The where clauses the shared functions build; both kinds take them. */
export interface TimedWhere {
  id?: string;
  userId?: string;
  courseId?: string;
  assignmentId?: string;
  startsAt?: { gte?: Date; lt?: Date };
  /** A search (find-and-sort.ts' searchWhere). */
  OR?: Record<string, unknown>[];
  deletedAt?: undefined;
}

/** The columns lectures and study sessions may be ordered by. */
export const TIMED_ORDER_FIELDS = ['startsAt', 'title', 'createdAt'] as const;
export type TimedOrderField = (typeof TIMED_ORDER_FIELDS)[number];

/** The calls the shared functions make, the same on both delegates (each with its own row type). */
interface TimedTable<E extends TimedEntity> {
  findFirst(args: TimedSelection<E> & { where: TimedWhere }): Promise<TimedRow<E> | null>;
  findFirstOrThrow(args: { where: TimedWhere }): Promise<TimedRow<E>>;
  findUniqueOrThrow(args: TimedSelection<E> & { where: { id: string } }): Promise<TimedRow<E>>;
  findMany(
    args: TimedListQuery<E> & { where: TimedWhere; orderBy: readonly Record<string, 'asc' | 'desc'>[] },
  ): Promise<TimedRow<E>[]>;
  count(args: { where: TimedWhere }): Promise<number>;
  create(args: TimedSelection<E> & { data: object }): Promise<TimedRow<E>>;
  update(args: TimedSelection<E> & { where: { id: string }; data: object }): Promise<TimedRow<E>>;
  delete(args: { where: { id: string }; now: Date }): Promise<{ deletionId: string }>;
  restore(args: { where: { id: string } }): Promise<{ count: number }>;
}

/**
 * The Prisma delegate of kind E. The two delegates answer the same calls, but Prisma's generic
 * signatures cannot be named over both, so the shared functions see them through `TimedTable`.
 */
export function timedTable<E extends TimedEntity>(db: DbOrTx, entity: E): TimedTable<E> {
  return (entity === 'Lecture' ? db.lecture : db.studySession) as unknown as TimedTable<E>;
}

const EVENT_PREFIX = { Lecture: 'lecture', StudySession: 'studySession' } as const;

/** The task event of kind E: `lecture.created`, `studySession.deleted`, ... */
export function timedEvent(entity: TimedEntity, change: 'created' | 'updated' | 'deleted' | 'restored'): TaskEventType {
  return `${EVENT_PREFIX[entity]}.${change}` as const;
}

/** How messages name kind E. */
export const TIMED_LABEL = { Lecture: 'lecture', StudySession: 'study session' } as const;

/**
 * A page's order without an orderBy: by start, then id (the indexes `*_user_start_live_idx` and
 * `*_course_start_idx`).
 */
export const TIMED_ORDER = orderByOf<TimedOrderField>(null, 'startsAt');

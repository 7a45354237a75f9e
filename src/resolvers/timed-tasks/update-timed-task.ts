import type { Tx } from '../../db/client.js';
import { recordTaskEvent } from '../../events/outbox.js';
import { lockOwned } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import { inTransaction, requiredText } from '../shared.js';
import { lockTimedTask } from './lock-timed-task.js';
import { TITLE_MAX, notNull, updatedSpan } from './rules.js';
import {
  timedEvent,
  timedTable,
  type TimedChanges,
  type TimedEntity,
  type TimedRow,
  type TimedSelection,
} from './timed-table.js';

/** The course a task has after an update, and whether the update moved it there. */
export interface TimedCourse {
  id: string;
  moved: boolean;
}

export interface UpdateTimedTaskInput<E extends TimedEntity> {
  entity: E;
  id: string;
  /** Moves it to another of the viewer's live courses. */
  courseId?: string | null;
  title?: string | null;
  startsAt?: Date | null;
  endsAt?: Date | null;
  /** The kind's own changes, already checked. */
  changes: TimedChanges<E>;
  /** The kind's own changes that need the transaction, the stored row and the (new) course. */
  link?: (tx: Tx, stored: TimedRow<E>, course: TimedCourse) => Promise<TimedChanges<E>>;
}

/**
 * Changes one of the viewer's lectures or study sessions (locked while it changes); fields left
 * out keep their value. A new start or end is checked against the stored other end; a new
 * course must be one of the viewer's live courses. Records `<kind>.updated`. The caller checks
 * that the input changes something (`requireChange`).
 */
export async function updateTimedTask<E extends TimedEntity>(
  ctx: DomainContext,
  input: UpdateTimedTaskInput<E>,
  query?: TimedSelection<E>,
): Promise<TimedRow<E>> {
  const { entity, id, startsAt, endsAt, link } = input;
  const newTitle = notNull(input.title, 'title');
  const title = newTitle === undefined ? undefined : requiredText(newTitle, 'title', TITLE_MAX);
  const newCourseId = notNull(input.courseId, 'courseId');

  return inTransaction(ctx, async (tx) => {
    const stored = await lockTimedTask(tx, ctx, { entity, id });
    const span = updatedSpan(stored, { startsAt, endsAt });
    const moved = newCourseId !== undefined && newCourseId !== stored.courseId;
    const courseId = moved ? await lockOwned(tx, ctx, 'Course', newCourseId, { mode: 'SHARE' }) : stored.courseId;
    const linked = link ? await link(tx, stored, { id: courseId, moved }) : {};
    const data = { ...input.changes, ...linked, ...span, ...(title === undefined ? {} : { title }) };
    const row = await timedTable(tx, entity).update({
      ...query,
      where: { id: stored.id },
      data: moved ? { ...data, courseId } : data,
    });
    await recordTaskEvent(tx, timedEvent(entity, 'updated'), { id: stored.id, userId: stored.userId, courseId });
    return row;
  });
}

import type { Tx } from '../../db/client.js';
import { recordTaskEvent } from '../../events/outbox.js';
import { lockOwned, requireViewer } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import { inTransaction, requiredText } from '../shared.js';
import { TITLE_MAX, checkSpan } from './rules.js';
import {
  timedEvent,
  timedTable,
  type TimedData,
  type TimedEntity,
  type TimedRow,
  type TimedSelection,
} from './timed-table.js';

export interface CreateTimedTaskInput<E extends TimedEntity> {
  entity: E;
  /** One of the viewer's live courses (a raw uuid). */
  courseId: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  /** The kind's own columns, already checked. */
  data: TimedData<E>;
  /** The kind's own columns that need the transaction and the (locked) course, e.g. a linked row. */
  link?: (tx: Tx, courseId: string) => Promise<TimedData<E>>;
}

/**
 * Adds a lecture or study session to one of the viewer's live courses (held live until the row
 * exists) and records `<kind>.created`. The title and window are checked before the transaction.
 */
export async function createTimedTask<E extends TimedEntity>(
  ctx: DomainContext,
  input: CreateTimedTaskInput<E>,
  query?: TimedSelection<E>,
): Promise<TimedRow<E>> {
  const viewer = requireViewer(ctx);
  const { entity, link } = input;
  const title = requiredText(input.title, 'title', TITLE_MAX);
  const { startsAt, endsAt } = checkSpan({ startsAt: input.startsAt, endsAt: input.endsAt });

  return inTransaction(ctx, async (tx) => {
    const courseId = await lockOwned(tx, ctx, 'Course', input.courseId, { mode: 'SHARE' });
    const linked = link ? await link(tx, courseId) : {};
    const data = { ...input.data, ...linked, userId: viewer.id, courseId, title, startsAt, endsAt };
    // Select mode reads only what the client asked for: the new row's id is selected for the event.
    const selection = query?.select ? { ...query, select: { ...query.select, id: true } } : query;
    const row = await timedTable(tx, entity).create({ ...selection, data });
    await recordTaskEvent(tx, timedEvent(entity, 'created'), { id: row.id, userId: viewer.id, courseId });
    return row;
  });
}

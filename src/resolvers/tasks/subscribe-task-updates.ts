import type { DomainContext } from '../domain-context.js';
import type { TaskUpdateMessage } from '../../events/live.js';
import type { TaskKind } from '../../events/types.js';
import { requireViewer } from '../access.js';
import type { SyncPosition } from '../sync/cursor.js';
import { tailChanges } from '../sync/tail-changes.js';

const EVENT_PREFIX: Record<TaskKind, string> = {
  ASSIGNMENT: 'assignment',
  LECTURE: 'lecture',
  STUDY_SESSION: 'studySession',
};

/**
 * The signed-in student's own task changes as they are published (after their transaction
 * committed and the event bus ran), optionally only those of one course. Another student's
 * changes are on another topic and never reach this stream. With `after` (a sync cursor), the
 * stream is resumable (docs/sync.md): first every change since the cursor, from the change log,
 * then each new one, each message with its cursor.
 */
export async function subscribeTaskUpdates(
  ctx: DomainContext,
  input: { courseId?: string | null; after?: SyncPosition | null },
): Promise<AsyncIterable<TaskUpdateMessage>> {
  const viewer = requireViewer(ctx);
  const courseId = input.courseId ?? null;
  if (input.after) {
    return tailChanges<TaskUpdateMessage>(ctx, {
      userId: viewer.id,
      stream: 'planner',
      topic: 'taskUpdates',
      after: input.after,
      message: (row, cursor) => {
        if (courseId && row.courseId !== courseId) return null;
        const kind = row.kind as TaskKind;
        return {
          eventId: `sync-${row.seq}`,
          type: `${EVENT_PREFIX[kind]}.${row.operation.toLowerCase()}`,
          kind,
          taskId: row.entityId,
          courseId: row.courseId ?? '',
          userId: viewer.id,
          occurredAt: new Date(/[zZ]$/.test(row.changedAt) ? row.changedAt : `${row.changedAt}Z`).toISOString(),
          cursor,
        };
      },
    });
  }
  const source = ctx.live.subscribe('taskUpdates', viewer.id);
  if (!courseId) return source;
  return {
    [Symbol.asyncIterator]() {
      const it = source[Symbol.asyncIterator]();
      return {
        async next() {
          for (;;) {
            const r = await it.next();
            if (r.done || r.value.courseId === courseId) return r;
          }
        },
        return: () => it.return?.() ?? Promise.resolve({ done: true as const, value: undefined }),
      };
    },
  };
}

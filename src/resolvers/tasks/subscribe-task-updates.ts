import type { DomainContext } from '../domain-context.js';
import type { TaskUpdateMessage } from '../../events/live.js';
import { requireViewer } from '../access.js';

/**
 * The signed-in student's own task changes as they are published (after their transaction
 * committed and the event bus ran), optionally only those of one course. Another student's
 * changes are on another topic and never reach this stream.
 */
export function subscribeTaskUpdates(
  ctx: DomainContext,
  input: { courseId?: string | null },
): AsyncIterable<TaskUpdateMessage> {
  const viewer = requireViewer(ctx);
  const source = ctx.live.subscribe('taskUpdates', viewer.id);
  if (!input.courseId) return source;
  const courseId = input.courseId;
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

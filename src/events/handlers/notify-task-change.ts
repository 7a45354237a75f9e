import type { Db } from '../../db/client.js';
import { withDeleted } from '../../db/soft-delete.js';
import { defineHandler } from '../bus.js';
import { TASK_EVENT_TYPES, type TaskChangedV1 } from '../types.js';

const KIND_NAMES = { ASSIGNMENT: 'Assignment', LECTURE: 'Lecture', STUDY_SESSION: 'Study session' } as const;
const VERBS: Record<string, string> = {
  created: 'added',
  updated: 'changed',
  completed: 'completed',
  reopened: 'reopened',
  deleted: 'deleted',
  restored: 'restored',
};

/**
 * Task events and course deletions → an in-app notification for the owner, when their
 * preferences ask for in-app notifications. Idempotent: one row per (event, user, channel).
 */
export const notifyTaskChange = defineHandler({
  name: 'notify-task-change',
  eventTypes: [...TASK_EVENT_TYPES, 'course.deleted', 'course.restored'],
  async handle(event, { db }) {
    const { userId } = event.payload;
    const prefs = await db.notificationPreference.findUnique({ where: { userId }, select: { inAppEnabled: true } });
    if (prefs && !prefs.inAppEnabled) return 'skipped';
    const verb = VERBS[event.type.split('.')[1] ?? ''] ?? 'changed';
    let title: string;
    let body: string;
    if (event.type === 'course.deleted' || event.type === 'course.restored') {
      const p = event.payload;
      const course = await db.course.findFirst({
        where: withDeleted({ id: p.courseId }),
        select: { name: true },
      });
      title = `Course ${verb}`;
      body = `${course?.name ?? 'A course'} was ${verb} with ${p.assignments} assignments, ${p.lectures} lectures and ${p.studySessions} study sessions.`;
    } else {
      const p = event.payload;
      title = `${KIND_NAMES[p.kind]} ${verb}`;
      body = await taskTitle(db, p).then((t) => (t ? `"${t}" was ${verb}.` : `A task was ${verb}.`));
    }
    await db.notification.createMany({
      data: [
        {
          userId,
          kind: event.type,
          title,
          body,
          data: { eventId: event.id },
          sourceEventId: event.id,
          channel: 'IN_APP',
        },
      ],
      skipDuplicates: true,
    });
    return 'done';
  },
});

async function taskTitle(db: Db, p: TaskChangedV1): Promise<string | null> {
  // The task may be deleted by now: read it whatever its state.
  const where = withDeleted({ id: p.taskId });
  const select = { title: true };
  if (p.kind === 'ASSIGNMENT') return (await db.assignment.findFirst({ where, select }))?.title ?? null;
  if (p.kind === 'LECTURE') return (await db.lecture.findFirst({ where, select }))?.title ?? null;
  return (await db.studySession.findFirst({ where, select }))?.title ?? null;
}

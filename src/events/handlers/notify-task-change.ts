import type { Db } from '../../db/client.js';
import { withDeleted } from '../../db/soft-delete.js';
import {
  issueNotifications,
  loadRecipients,
  type NewNotification,
} from '../../resolvers/notifications/issue-notifications.js';
import { defineHandler, type HandlerContext } from '../handler.js';
import { TASK_EVENT_TYPES, type TaskChangedV1 } from '../types.js';

export interface NotifyDeps {
  /** Asks the bus for another cycle (the `notification.created` events this handler wrote). */
  events: { notify(): void };
}

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
 * Task events and course deletions → an in-app notification for the owner (about the task or the
 * course), when their preferences ask for in-app notifications; in-app only, a change is no reason
 * for an email. Idempotent: one row per (event, user, channel).
 */
export const notifyTaskChange = defineHandler({
  name: 'notify-task-change',
  eventTypes: [...TASK_EVENT_TYPES, 'course.deleted', 'course.restored'],
  async handle(event, { db, now, events }: HandlerContext & NotifyDeps) {
    const { userId } = event.payload;
    const recipients = await loadRecipients(db, [userId]);
    if (!recipients.get(userId)?.inAppEnabled) return 'skipped';
    const verb = VERBS[event.type.split('.')[1] ?? ''] ?? 'changed';
    let title: string;
    let body: string;
    let subject: NewNotification['subject'];
    if (event.type === 'course.deleted' || event.type === 'course.restored') {
      const p = event.payload;
      const course = await db.course.findFirst({
        where: withDeleted({ id: p.courseId }),
        select: { name: true },
      });
      title = `Course ${verb}`;
      subject = { kind: 'COURSE', id: p.courseId };
      body = `${course?.name ?? 'A course'} was ${verb} with ${p.assignments} assignments, ${p.lectures} lectures and ${p.studySessions} study sessions.`;
    } else {
      const p = event.payload;
      title = `${KIND_NAMES[p.kind]} ${verb}`;
      subject = { kind: p.kind, id: p.taskId };
      body = await taskTitle(db, p).then((t) => (t ? `"${t}" was ${verb}.` : `A task was ${verb}.`));
    }
    const item: NewNotification = {
      userId,
      kind: event.type,
      title,
      body,
      subject,
      channels: ['IN_APP'],
      sourceEventId: event.id,
      data: { eventId: event.id },
    };
    // One statement (the row and its notification.created event): atomic without a transaction.
    const written = await issueNotifications(db, [item], recipients, now());
    if (written > 0) events.notify();
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

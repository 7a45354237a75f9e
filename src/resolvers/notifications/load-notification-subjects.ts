import type { DomainContext } from '../domain-context.js';
import type { Assignment, Course, Lecture, StudySession } from '../../generated/prisma/client.js';
import type { SubjectKind } from './issue-notifications.js';
import { ownRows } from '../access.js';
import type { FieldSqlForm } from '../../db/sql.js';

export type NotificationSubject = Course | Assignment | Lecture | StudySession;

export interface SubjectKey {
  kind: SubjectKind;
  id: string;
}

/** The model each subject kind names. */
const SUBJECT_MODELS: Record<SubjectKind, string> = {
  COURSE: 'Course',
  ASSIGNMENT: 'Assignment',
  LECTURE: 'Lecture',
  STUDY_SESSION: 'StudySession',
};

/** `Notification.subject` on the planned path: the viewer's own live row of the kind, else null. */
export const subjectSqlForm: FieldSqlForm = {
  kind: 'subject',
  kindColumn: 'subjectKind',
  idColumn: 'subjectId',
  targets: SUBJECT_MODELS,
};

/**
 * The courses and tasks notifications are about, for a batch of keys (a DataLoader's batch
 * function): at most one statement per kind, whatever the number of keys. A subject that is
 * deleted or not the viewer's is null.
 */
export async function loadNotificationSubjects(
  ctx: DomainContext,
  keys: readonly SubjectKey[],
): Promise<(NotificationSubject | null)[]> {
  const mine = ownRows(ctx);
  const idsOf = (kind: SubjectKind) => [...new Set(keys.filter((k) => k.kind === kind).map((k) => k.id))];
  const load = <T extends { id: string }>(kind: SubjectKind, find: (ids: string[]) => Promise<T[]>) => {
    const ids = idsOf(kind);
    return ids.length === 0 ? Promise.resolve([]) : find(ids);
  };
  const [courses, assignments, lectures, sessions] = await Promise.all([
    load('COURSE', (ids) => ctx.db.course.findMany({ where: { ...mine, id: { in: ids } } })),
    load('ASSIGNMENT', (ids) => ctx.db.assignment.findMany({ where: { ...mine, id: { in: ids } } })),
    load('LECTURE', (ids) => ctx.db.lecture.findMany({ where: { ...mine, id: { in: ids } } })),
    load('STUDY_SESSION', (ids) => ctx.db.studySession.findMany({ where: { ...mine, id: { in: ids } } })),
  ]);
  const found = new Map<string, NotificationSubject>();
  for (const row of [...courses, ...assignments, ...lectures, ...sessions]) found.set(row.id, row);
  return keys.map((k) => found.get(k.id) ?? null);
}

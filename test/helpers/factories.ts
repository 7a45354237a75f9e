import { randomBytes } from 'node:crypto';
import { hashPassword } from '../../src/auth/passwords.js';
import type { Db } from '../../src/db/client.js';

export const PASSWORD = 'correct horse battery';
let passwordHash: Promise<string> | undefined;

const unique = () => randomBytes(4).toString('hex');

/** A user row with a known password (PASSWORD), straight into the database. */
export async function createUser(
  db: Db,
  overrides: Partial<{
    email: string;
    firstName: string;
    role: 'USER' | 'ADMIN';
    accountStatus: 'ACTIVE' | 'SUSPENDED';
  }> = {},
) {
  passwordHash ??= hashPassword(PASSWORD);
  return db.user.create({
    data: {
      email: overrides.email ?? `student-${unique()}@example.com`,
      passwordHash: await passwordHash,
      firstName: overrides.firstName ?? 'Sam',
      lastName: 'Student',
      role: overrides.role ?? 'USER',
      accountStatus: overrides.accountStatus ?? 'ACTIVE',
    },
  });
}

export async function createCourse(db: Db, userId: string, overrides: Partial<{ name: string }> = {}) {
  return db.course.create({ data: { userId, name: overrides.name ?? `Course ${unique()}` } });
}

export async function createAssignment(
  db: Db,
  userId: string,
  courseId: string,
  overrides: Partial<{ title: string; dueAt: Date }> = {},
) {
  return db.assignment.create({
    data: {
      userId,
      courseId,
      title: overrides.title ?? `Assignment ${unique()}`,
      dueAt: overrides.dueAt ?? new Date(Date.now() + 86_400_000),
    },
  });
}

export async function createStudySession(db: Db, userId: string, courseId: string, assignmentId: string | null) {
  const startsAt = new Date(Date.now() + 3_600_000);
  return db.studySession.create({
    data: {
      userId,
      courseId,
      assignmentId,
      title: 'Study',
      startsAt,
      endsAt: new Date(startsAt.getTime() + 3_600_000),
    },
  });
}

export async function createLecture(
  db: Db,
  userId: string,
  courseId: string,
  startsAt: Date,
  title = `Lecture ${unique()}`,
) {
  return db.lecture.create({
    data: { userId, courseId, title, startsAt, endsAt: new Date(startsAt.getTime() + 90 * 60_000) },
  });
}

export async function createSessionAt(
  db: Db,
  userId: string,
  courseId: string,
  startsAt: Date,
  title = `Session ${unique()}`,
) {
  return db.studySession.create({
    data: { userId, courseId, title, startsAt, endsAt: new Date(startsAt.getTime() + 60 * 60_000) },
  });
}

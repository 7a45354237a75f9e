import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, globalId as gid, type TestApp } from './helpers/app.js';
import { createAssignment, createCourse, createUser } from './helpers/factories.js';

let app: TestApp;
let statements = 0;
beforeAll(async () => {
  app = await createTestApp({ onQuery: () => statements++ });
});
afterAll(async () => {
  await app?.close();
});

async function student(timezone = 'UTC') {
  const user = await createUser(app.db);
  await app.db.user.update({ where: { id: user.id }, data: { firstName: 'Ada', lastName: 'Lovelace', timezone } });
  const course = await createCourse(app.db, user.id);
  return { user, course, token: await app.tokens.issue(user.id) };
}

describe('deprecated fields keep working until their sunset', () => {
  it('User.name is "First Last"', async () => {
    const { token } = await student();
    const res = await app.gql('{ me { name firstName lastName } }', {}, token);
    expect(res.data!.me).toEqual({ name: 'Ada Lovelace', firstName: 'Ada', lastName: 'Lovelace' });
  });

  it("Assignment.dueDate is the due day in the owner's time zone", async () => {
    const { user, course, token } = await student('Pacific/Auckland');
    // 2027-03-01 20:00 UTC is already 2 March in Auckland (UTC+13 in March).
    const late = await createAssignment(app.db, user.id, course.id, { dueAt: new Date('2027-03-01T20:00:00Z') });
    const res = await app.gql<any>(
      'query ($id: ID!) { assignment(id: $id) { dueAt dueDate } }',
      { id: gid('Assignment', late.id) },
      token,
    );
    expect(res.data.assignment).toEqual({ dueAt: '2027-03-01T20:00:00.000Z', dueDate: '2027-03-02' });

    const { user: utcUser, course: utcCourse, token: utcToken } = await student('UTC');
    const same = await createAssignment(app.db, utcUser.id, utcCourse.id, { dueAt: new Date('2027-03-01T20:00:00Z') });
    const utc = await app.gql<any>(
      'query ($id: ID!) { assignment(id: $id) { dueDate } }',
      { id: gid('Assignment', same.id) },
      utcToken,
    );
    expect(utc.data.assignment.dueDate).toBe('2027-03-01');
  });

  it('Assignment.dueDate resolves in lists', async () => {
    const { user, course, token } = await student('America/New_York');
    await createAssignment(app.db, user.id, course.id, { dueAt: new Date('2027-01-10T03:00:00Z') });
    const res = await app.gql<any>('{ assignments(first: 5) { edges { node { dueDate } } } }', {}, token);
    expect(res.errors).toBeUndefined();
    expect(res.data.assignments.edges).toEqual([{ node: { dueDate: '2027-01-09' } }]);
  });

  it('Assignment.dueDate loads the time zone in the same statement as the assignments (no N+1)', async () => {
    const { user, course, token } = await student('Europe/Berlin');
    const query =
      '{ me { upcomingAssignments(first: 10) { dueDate } } assignments(first: 10) { edges { node { dueDate } } } }';
    const count = async () => {
      const before = statements;
      const res = await app.gql<any>(query, {}, token);
      expect(res.errors).toBeUndefined();
      return statements - before;
    };
    await createAssignment(app.db, user.id, course.id);
    // The first request also looks up the viewer's account (cached after it).
    expect(await count()).toBe(3);
    // `me` with its assignments, the page of assignments with their owners.
    expect(await count()).toBe(2);
    for (let i = 0; i < 4; i++) await createAssignment(app.db, user.id, course.id);
    expect(await count()).toBe(2);
  });

  it('Assignment.isCompleted follows completedAt', async () => {
    const { user, course, token } = await student();
    const a = await createAssignment(app.db, user.id, course.id);
    const query = 'query ($id: ID!) { assignment(id: $id) { isCompleted status } }';
    const open = await app.gql<any>(query, { id: gid('Assignment', a.id) }, token);
    expect(open.data.assignment).toEqual({ isCompleted: false, status: 'UPCOMING' });
    await app.gql('mutation ($id: ID!) { completeAssignment(id: $id) { id } }', { id: gid('Assignment', a.id) }, token);
    const done = await app.gql<any>(query, { id: gid('Assignment', a.id) }, token);
    expect(done.data.assignment).toEqual({ isCompleted: true, status: 'COMPLETED' });
  });

  describe('Query.assignments(courseId:)', () => {
    const LIST = `query ($courseId: ID, $filter: AssignmentFilter) {
      assignments(courseId: $courseId, filter: $filter, first: 10) { totalCount edges { node { title } } }
    }`;

    async function twoCourses() {
      const s = await student();
      const other = await createCourse(app.db, s.user.id);
      await createAssignment(app.db, s.user.id, s.course.id, { title: 'mine' });
      await createAssignment(app.db, s.user.id, other.id, { title: 'other' });
      return { ...s, courseId: gid('Course', s.course.id), otherId: gid('Course', other.id) };
    }

    it('filters by the course, as filter.courseId does', async () => {
      const { token, courseId } = await twoCourses();
      const res = await app.gql<any>(LIST, { courseId }, token);
      expect(res.data.assignments).toEqual({ totalCount: 1, edges: [{ node: { title: 'mine' } }] });
      const both = await app.gql<any>(LIST, { courseId, filter: { courseId, status: 'UPCOMING' } }, token);
      expect(both.data.assignments.totalCount).toBe(1);
    });

    it('is merged into the filter', async () => {
      const { token, courseId } = await twoCourses();
      const res = await app.gql<any>(LIST, { courseId, filter: { status: 'UPCOMING' } }, token);
      expect(res.data.assignments.edges).toEqual([{ node: { title: 'mine' } }]);
    });

    it('given with a different filter.courseId is BAD_USER_INPUT', async () => {
      const { token, courseId, otherId } = await twoCourses();
      const res = await app.gql<any>(LIST, { courseId, filter: { courseId: otherId } }, token);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'courseId' });
      expect(res.errors?.[0]?.message).toMatch(/courseId \(deprecated\) and filter.courseId disagree/);
    });
  });

  describe('UpdateProfileInput.name', () => {
    const UPDATE =
      'mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) { firstName lastName name } }';

    it('is split at its first space into firstName and lastName', async () => {
      const { token } = await student();
      const res = await app.gql<any>(UPDATE, { input: { name: 'Grace Brewster Hopper' } }, token);
      expect(res.data.updateProfile).toEqual({
        firstName: 'Grace',
        lastName: 'Brewster Hopper',
        name: 'Grace Brewster Hopper',
      });
    });

    it('cannot come with firstName or lastName, nor without a space', async () => {
      const { token } = await student();
      const both = await app.gql<any>(UPDATE, { input: { name: 'Grace Hopper', firstName: 'Grace' } }, token);
      expect(both.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
      const single = await app.gql<any>(UPDATE, { input: { name: 'Plato' } }, token);
      expect(single.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    });
  });
});

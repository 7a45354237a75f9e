import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dayBounds } from '../src/resolvers/agenda/day-bounds.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createAssignment, createCourse, createLecture, createSessionAt, createUser } from './helpers/factories.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

const at = (iso: string) => new Date(iso);
const AGENDA = `query ($from: DateTime!, $to: DateTime!, $first: Int, $after: String) {
  agenda(from: $from, to: $to, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { __typename title kind scheduledAt course { name } } }
  }
}`;

async function seedWeek() {
  const user = await createUser(app.db);
  const course = await createCourse(app.db, user.id, { name: 'Maths' });
  await createAssignment(app.db, user.id, course.id, { title: 'A-mon', dueAt: at('2026-11-30T09:00:00Z') });
  await createLecture(app.db, user.id, course.id, at('2026-11-30T09:00:00Z'), 'L-mon');
  await createSessionAt(app.db, user.id, course.id, at('2026-11-30T08:00:00Z'), 'S-mon');
  await createAssignment(app.db, user.id, course.id, { title: 'A-wed', dueAt: at('2026-12-02T12:00:00Z') });
  await createLecture(app.db, user.id, course.id, at('2026-12-04T10:00:00Z'), 'L-fri');
  const gone = await createLecture(app.db, user.id, course.id, at('2026-12-01T10:00:00Z'), 'L-deleted');
  await app.db.lecture.delete({ where: { id: gone.id } });
  await createLecture(app.db, user.id, course.id, at('2026-12-08T10:00:00Z'), 'L-next-week');
  // Someone else's task in the same window never shows.
  const other = await createUser(app.db);
  const otherCourse = await createCourse(app.db, other.id);
  await createAssignment(app.db, other.id, otherCourse.id, { title: 'not mine', dueAt: at('2026-12-01T00:00:00Z') });
  return { user, token: await app.tokens.issue(user.id) };
}

describe('agenda', () => {
  it("lists the student's three kinds of task in one time order, without deleted ones", async () => {
    const { token } = await seedWeek();
    const res = await app.gql(AGENDA, { from: '2026-11-30T00:00:00Z', to: '2026-12-07T00:00:00Z' }, token);
    expect(res.errors).toBeUndefined();
    const nodes = res.data!.agenda.edges.map((e: any) => e.node);
    expect(nodes.map((n: any) => n.title)).toEqual(['S-mon', 'A-mon', 'L-mon', 'A-wed', 'L-fri']);
    expect(nodes.map((n: any) => n.__typename)).toEqual([
      'StudySession',
      'Assignment',
      'Lecture',
      'Assignment',
      'Lecture',
    ]);
    expect(nodes[1]).toMatchObject({
      kind: 'ASSIGNMENT',
      scheduledAt: '2026-11-30T09:00:00.000Z',
      course: { name: 'Maths' },
    });
  });

  it('pages through the window with cursors, each item once, and counts the window in totalCount', async () => {
    const { token } = await seedWeek();
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const res: any = await app.gql(
        AGENDA,
        { from: '2026-11-30T00:00:00Z', to: '2026-12-07T00:00:00Z', first: 2, after },
        token,
      );
      expect(res.errors).toBeUndefined();
      seen.push(...res.data.agenda.edges.map((e: any) => e.node.title));
      // Every page counts the whole window: live rows of the three kinds, no one else's.
      expect(res.data.agenda.totalCount).toBe(5);
      if (!res.data.agenda.pageInfo.hasNextPage) break;
      after = res.data.agenda.pageInfo.endCursor;
    }
    expect(seen).toEqual(['S-mon', 'A-mon', 'L-mon', 'A-wed', 'L-fri']);
  });

  it.each([
    ['to before from', { from: '2026-12-07T00:00:00Z', to: '2026-11-30T00:00:00Z' }],
    ['a window over 366 days', { from: '2026-01-01T00:00:00Z', to: '2027-06-01T00:00:00Z' }],
    ['a date out of range', { from: '1990-01-01T00:00:00Z', to: '1990-01-02T00:00:00Z' }],
    ['a forged cursor', { from: '2026-11-30T00:00:00Z', to: '2026-12-07T00:00:00Z', after: 'bm90LWEtY3Vyc29y' }],
  ])('rejects %s with BAD_USER_INPUT', async (_label, variables) => {
    const { token } = await seedWeek();
    const res = await app.gql(AGENDA, variables, token);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('needs sign-in', async () => {
    const res = await app.gql(AGENDA, { from: '2026-11-30T00:00:00Z', to: '2026-12-07T00:00:00Z' });
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('dashboard on me', () => {
  const HOME = `{ me { upcomingAssignments(first: 2) { title } overdueCount todayAgenda { __typename title } } }`;

  it('answers upcoming, overdue and today in one request, in the user time zone', async () => {
    const user = await createUser(app.db);
    await app.db.user.update({ where: { id: user.id }, data: { timezone: 'America/New_York' } });
    const course = await createCourse(app.db, user.id);
    // "Now" is 2026-11-30 03:00 UTC = 2026-11-29 22:00 in New York: today there is the 29th.
    app.clock.now = at('2026-11-30T03:00:00Z');
    try {
      await createAssignment(app.db, user.id, course.id, { title: 'overdue', dueAt: at('2026-11-29T12:00:00Z') });
      const done = await createAssignment(app.db, user.id, course.id, {
        title: 'done',
        dueAt: at('2026-11-28T12:00:00Z'),
      });
      await app.db.assignment.update({ where: { id: done.id }, data: { completedAt: at('2026-11-28T10:00:00Z') } });
      await createAssignment(app.db, user.id, course.id, { title: 'tonight', dueAt: at('2026-11-30T04:30:00Z') });
      await createAssignment(app.db, user.id, course.id, { title: 'tomorrow', dueAt: at('2026-11-30T20:00:00Z') });
      await createAssignment(app.db, user.id, course.id, { title: 'later', dueAt: at('2026-12-05T20:00:00Z') });
      await createLecture(app.db, user.id, course.id, at('2026-11-29T15:00:00Z'), 'afternoon lecture');

      const res = await app.gql(HOME, {}, await app.tokens.issue(user.id));
      expect(res.errors).toBeUndefined();
      expect(res.data!.me).toEqual({
        upcomingAssignments: [{ title: 'tonight' }, { title: 'tomorrow' }],
        overdueCount: 1,
        todayAgenda: [
          { __typename: 'Assignment', title: 'overdue' },
          { __typename: 'Lecture', title: 'afternoon lecture' },
          { __typename: 'Assignment', title: 'tonight' },
        ],
      });
    } finally {
      app.clock.now = new Date();
    }
  });

  it('rejects upcomingAssignments(first: 0)', async () => {
    const user = await createUser(app.db);
    const res = await app.gql(
      '{ me { upcomingAssignments(first: 0) { title } } }',
      {},
      await app.tokens.issue(user.id),
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('dayBounds', () => {
  it('finds the local day across a daylight-saving change', () => {
    // 2026-03-08 is 23 hours long in New York.
    const { from, to } = dayBounds(at('2026-03-08T15:00:00Z'), 'America/New_York');
    expect(from.toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(to.toISOString()).toBe('2026-03-09T04:00:00.000Z');
    expect(dayBounds(at('2026-11-25T23:30:00Z'), 'Asia/Tokyo').from.toISOString()).toBe('2026-11-25T15:00:00.000Z');
  });

  it('reuses the day it computed only for instants inside it', () => {
    const iso = (d: { from: Date; to: Date }) => [d.from.toISOString(), d.to.toISOString()];
    const zone = 'Europe/Berlin';
    const day = ['2026-07-01T22:00:00.000Z', '2026-07-02T22:00:00.000Z'];
    expect(iso(dayBounds(at('2026-07-02T10:00:00Z'), zone))).toEqual(day);
    // Same day: the same answer; the last instant before midnight still belongs to it.
    const last = dayBounds(at('2026-07-02T21:59:59.999Z'), zone);
    expect(iso(last)).toEqual(day);
    last.from.setTime(0); // a caller changing its copy changes nothing for the next
    expect(iso(dayBounds(at('2026-07-02T12:00:00Z'), zone))).toEqual(day);
    // Midnight starts the next day; going back in time finds the earlier one.
    expect(iso(dayBounds(at('2026-07-02T22:00:00Z'), zone))).toEqual([day[1], '2026-07-03T22:00:00.000Z']);
    expect(iso(dayBounds(at('2026-07-01T21:59:59Z'), zone))).toEqual(['2026-06-30T22:00:00.000Z', day[0]]);
  });
});

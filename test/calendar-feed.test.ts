import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ical from 'node-ical';
import { createTestApp, globalId, type TestApp } from './helpers/app.js';
import { createAssignment, createCourse, createLecture, createSessionAt, createUser } from './helpers/factories.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const CREATE = 'mutation { calendarFeedUrl { url createdAt } }';
const RESET = 'mutation { resetCalendarFeed { url createdAt } }';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** iCalendar times have whole seconds: the test's times are whole minutes, from the test clock. */
const minute = () => Math.floor(app.clock.now.getTime() / 60_000) * 60_000;

/** The feed's path (what follows the origin) from a URL a mutation answered. */
async function feedPath(token: string, mutation = CREATE): Promise<string> {
  const res = await app.gql<{ calendarFeedUrl?: { url: string }; resetCalendarFeed?: { url: string } }>(
    mutation,
    {},
    token,
  );
  expect(res.errors).toBeUndefined();
  const url = new URL((res.data!.calendarFeedUrl ?? res.data!.resetCalendarFeed)!.url);
  expect(url.origin).toBe('http://test');
  expect(url.pathname).toMatch(/^\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
  return url.pathname;
}

type Parsed = Record<string, ical.CalendarComponent>;
const events = (text: string) =>
  Object.values(ical.sync.parseICS(text) as Parsed).filter((c): c is ical.VEvent => c.type === 'VEVENT');

async function student(timezone = 'Europe/Berlin') {
  const user = await createUser(app.db);
  await app.db.user.update({ where: { id: user.id }, data: { timezone } });
  const token = await app.tokens.issue(user.id);
  const course = await createCourse(app.db, user.id, { name: 'Algebra' });
  return { user, token, course };
}

describe('the calendar feed', () => {
  it("serves exactly the owner's live assignments, lectures and study sessions at their times, in their time zone", async () => {
    const { user, token, course } = await student('Europe/Berlin');
    const now = minute();
    // Half a year apart: one of them is in summer time, the other not.
    const due = await createAssignment(app.db, user.id, course.id, {
      title: 'Problem set 1',
      dueAt: new Date(now + 2 * DAY),
    });
    const later = await createAssignment(app.db, user.id, course.id, {
      title: 'Essay',
      dueAt: new Date(now + 183 * DAY),
    });
    const gone = await createAssignment(app.db, user.id, course.id, {
      title: 'Dropped',
      dueAt: new Date(now + 3 * DAY),
    });
    const lecture = await createLecture(app.db, user.id, course.id, new Date(now + DAY + 9 * HOUR), 'Linear maps');
    const session = await createSessionAt(app.db, user.id, course.id, new Date(now + 4 * DAY), 'Revision');
    const other = await createUser(app.db);
    const theirCourse = await createCourse(app.db, other.id);
    const theirs = await createAssignment(app.db, other.id, theirCourse.id, { title: 'Not yours' });
    await createLecture(app.db, other.id, theirCourse.id, new Date(now + DAY), 'Not yours either');
    const deleted = await app.gql(
      'mutation ($id: ID!) { deleteAssignment(id: $id) { deletedId } }',
      { id: globalId('Assignment', gone.id) },
      token,
    );
    expect(deleted.errors).toBeUndefined();

    const path = await feedPath(token);
    const res = await app.fetch(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(res.headers.get('cache-control')).toMatch(/private/);
    const text = await res.text();
    // In the owner's zone, with its VTIMEZONE; DTSTAMP in UTC.
    expect(text).toContain('BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin');
    expect(text).toMatch(/DTSTART;TZID=Europe\/Berlin:\d{8}T\d{6}\r\n/);
    for (const stamp of text.match(/^DTSTAMP:.*$/gm) ?? []) expect(stamp).toMatch(/^DTSTAMP:\d{8}T\d{6}Z\r?$/);
    expect(text).not.toContain(theirs.id);
    expect(text).not.toContain(other.id);

    const parsed = events(text);
    const byUid = new Map(parsed.map((e) => [e.uid, e]));
    expect([...byUid.keys()].sort()).toEqual(
      [
        `assignment-${due.id}@study-planner-api`,
        `assignment-${later.id}@study-planner-api`,
        `lecture-${lecture.id}@study-planner-api`,
        `study-session-${session.id}@study-planner-api`,
      ].sort(),
    );
    const at = (uid: string) => byUid.get(uid)!;
    expect(at(`assignment-${due.id}@study-planner-api`).start.getTime()).toBe(due.dueAt.getTime());
    expect(at(`assignment-${due.id}@study-planner-api`).summary).toBe('Problem set 1');
    expect(at(`assignment-${later.id}@study-planner-api`).start.getTime()).toBe(later.dueAt.getTime());
    const l = at(`lecture-${lecture.id}@study-planner-api`);
    expect([l.start.getTime(), l.end!.getTime(), l.summary]).toEqual([
      lecture.startsAt.getTime(),
      lecture.endsAt.getTime(),
      'Linear maps',
    ]);
    const s = at(`study-session-${session.id}@study-planner-api`);
    expect([s.start.getTime(), s.end!.getTime()]).toEqual([session.startsAt.getTime(), session.endsAt.getTime()]);
    // The wall-clock time written is Berlin's: e.g. 10:00Z is 11:00 or 12:00 there.
    const wall = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Berlin',
      hourCycle: 'h23',
      hour: '2-digit',
      minute: '2-digit',
    }).format(lecture.startsAt);
    expect(text).toContain(`DTSTART;TZID=Europe/Berlin:`);
    expect(text).toMatch(new RegExp(`DTSTART;TZID=Europe/Berlin:\\d{8}T${wall.replace(':', '')}00`));

    // A second fetch is the same bytes (stable UIDs, DTSTAMP from the rows), so the same ETag.
    const again = await app.fetch(path);
    expect(again.headers.get('etag')).toBe(res.headers.get('etag'));
    expect(await again.text()).toBe(text);
  });

  it('writes a weekly series as one recurring event: its RRULE, EXDATE for a cancelled occurrence, an override for a moved one', async () => {
    const { token, course } = await student('Europe/Berlin');
    const created = await app.gql<{
      createLectureSeries: { id: string; lectures: { edges: { node: { id: string } }[] } };
    }>(
      `mutation ($input: CreateLectureSeriesInput!) { createLectureSeries(input: $input) { id lectures(first: 10) { edges { node { id } } } } }`,
      {
        input: {
          courseId: globalId('Course', course.id),
          title: 'Mechanics',
          startsAt: '2026-10-19T08:00:00Z', // 10:00 in Berlin (summer time until 25 Oct)
          endsAt: '2026-10-19T09:30:00Z',
          recurrence: 'FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20261104',
        },
      },
      token,
    );
    expect(created.errors).toBeUndefined();
    const series = created.data!.createLectureSeries;
    const [, wednesday, monday] = series.lectures.edges.map((e) => e.node.id);
    const moved = await app.gql(
      'mutation ($id: ID!) { updateLecture(id: $id, input: { startsAt: "2026-10-21T12:00:00Z", endsAt: "2026-10-21T13:00:00Z" }) { id } }',
      { id: wednesday },
      token,
    );
    expect(moved.errors).toBeUndefined();
    const cancelled = await app.gql(
      'mutation ($id: ID!) { deleteLecture(id: $id) { deletionId } }',
      { id: monday },
      token,
    );
    expect(cancelled.errors).toBeUndefined();

    const text = await (await app.fetch(await feedPath(token))).text();
    const uid = `lecture-series-${Buffer.from(series.id, 'base64').toString().split(':')[1]}@study-planner-api`;
    // The rule as stored, not expanded; the cancelled Monday (10:00 local, winter time) excluded.
    expect(text).toContain('RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20261104T225959Z\r\n');
    expect(text).toContain('EXDATE;TZID=Europe/Berlin:20261026T100000\r\n');
    expect(text).toContain('RECURRENCE-ID;TZID=Europe/Berlin:20261021T100000\r\n');
    expect(text).toContain('DTSTART;TZID=Europe/Berlin:20261021T140000\r\n');
    // A real parser reads one recurring event of six occurrences, one excluded, one overridden.
    const vevents = events(text).filter((e) => e.uid === uid);
    expect(vevents).toHaveLength(1);
    const [master] = vevents;
    expect(master!.rrule?.all()).toHaveLength(6);
    // node-ical keys each exclusion by its date and by its date-time: one instant.
    const excluded = new Set(Object.values(master!.exdate ?? {}).map((d) => new Date(d as Date).toISOString()));
    expect([...excluded]).toEqual(['2026-10-26T09:00:00.000Z']);
    const overrides = new Set(
      Object.values(master!.recurrences ?? {}).map((o) => {
        const e = o as ical.VEvent;
        return JSON.stringify([new Date(e.start).toISOString(), e.end && new Date(e.end).toISOString()]);
      }),
    );
    expect([...overrides].map((o) => JSON.parse(o) as string[])).toEqual([
      ['2026-10-21T12:00:00.000Z', '2026-10-21T13:00:00.000Z'],
    ]);
    // The occurrences are not also written as events of their own.
    expect(events(text).filter((e) => e.uid !== uid)).toEqual([]);
  });

  it('writes UTC times for an account in UTC', async () => {
    const { user, token, course } = await student('UTC');
    const a = await createAssignment(app.db, user.id, course.id, { dueAt: new Date(minute() + DAY) });
    const text = await (await app.fetch(await feedPath(token))).text();
    expect(text).not.toContain('VTIMEZONE');
    const [event] = events(text);
    expect(event!.start.getTime()).toBe(a.dueAt.getTime());
    expect(text).toMatch(/DTSTART:\d{8}T\d{6}Z/);
  });

  it('answers 304 to If-None-Match with the current ETag, and 200 with a new one once an item changes', async () => {
    const { user, token, course } = await student();
    const a = await createAssignment(app.db, user.id, course.id, { dueAt: new Date(minute() + DAY) });
    const path = await feedPath(token);
    const first = await app.fetch(path);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const cached = await app.fetch(path, { headers: { 'if-none-match': etag } });
    expect(cached.status).toBe(304);
    expect(cached.headers.get('etag')).toBe(etag);
    expect(await cached.text()).toBe('');
    expect((await app.fetch(path, { headers: { 'if-none-match': `"other", W/${etag}` } })).status).toBe(304);

    const renamed = await app.gql(
      'mutation ($id: ID!) { updateAssignment(id: $id, input: { title: "Renamed" }) { id } }',
      { id: globalId('Assignment', a.id) },
      token,
    );
    expect(renamed.errors).toBeUndefined();
    const changed = await app.fetch(path, { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(events(await changed.text()).map((e) => e.summary)).toEqual(['Renamed']);

    // Deleted after it was served: gone from the next fetch, under a new ETag.
    const gone = await app.gql(
      'mutation ($id: ID!) { deleteAssignment(id: $id) { deletedId } }',
      { id: globalId('Assignment', a.id) },
      token,
    );
    expect(gone.errors).toBeUndefined();
    const after = await app.fetch(path, { headers: { 'if-none-match': changed.headers.get('etag')! } });
    expect(after.status).toBe(200);
    expect(events(await after.text())).toEqual([]);
  });

  it('makes the URL once; resetCalendarFeed revokes the old URL (404) and the new one serves the feed', async () => {
    const { user, token, course } = await student();
    await createAssignment(app.db, user.id, course.id, { title: 'Kept' });
    const old = await feedPath(token);
    const again = await app.gql(CREATE, {}, token);
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const status = await app.gql<{ calendarFeed: { createdAt: string } | null }>(
      '{ calendarFeed { createdAt } }',
      {},
      token,
    );
    expect(status.data?.calendarFeed?.createdAt).toEqual(expect.any(String));

    const fresh = await feedPath(token, RESET);
    expect(fresh).not.toBe(old);
    const revoked = await app.fetch(old);
    expect(revoked.status).toBe(404);
    const unknown = await app.fetch(`/calendar/${'A'.repeat(43)}.ics`);
    // Revoked and never-issued tokens cannot be told apart.
    expect([unknown.status, await unknown.text()]).toEqual([404, await revoked.text()]);
    const served = await app.fetch(fresh);
    expect(served.status).toBe(200);
    expect(events(await served.text()).map((e) => e.summary)).toEqual(['Kept']);

    const revoke = await app.gql<{ revokeCalendarFeed: boolean }>('mutation { revokeCalendarFeed }', {}, token);
    expect(revoke.data?.revokeCalendarFeed).toBe(true);
    expect((await app.fetch(fresh)).status).toBe(404);
    expect(
      (await app.gql<{ calendarFeed: null }>('{ calendarFeed { createdAt } }', {}, token)).data?.calendarFeed,
    ).toBeNull();
  });

  it('answers 404 for a suspended or deleted account, and for a malformed path', async () => {
    const suspended = await student();
    const deleted = await student();
    const [a, b] = [await feedPath(suspended.token), await feedPath(deleted.token)];
    await app.db.user.update({ where: { id: suspended.user.id }, data: { accountStatus: 'SUSPENDED' } });
    await app.db.user.delete({ where: { id: deleted.user.id } });
    expect((await app.fetch(a)).status).toBe(404);
    expect((await app.fetch(b)).status).toBe(404);
    expect((await app.fetch('/calendar/short.ics')).status).toBe(404);
    expect((await app.fetch(a.replace('.ics', ''))).status).toBe(404);
    expect((await app.fetch(a, { method: 'POST' })).status).toBe(405);
  });

  it('refuses UNAUTHENTICATED without a session', async () => {
    const res = await app.gql(CREATE);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('the calendar feed rate limit', () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await createTestApp({ env: { RATE_LIMIT_CALENDAR_FEED: '3/1h' } });
  });
  afterAll(() => limited.close());

  it('answers 429 with Retry-After past the fetches one token may make; another token is not affected', async () => {
    const urls: string[] = [];
    for (let i = 0; i < 2; i++) {
      const user = await createUser(limited.db);
      const res = await limited.gql<{ calendarFeedUrl: { url: string } }>(
        CREATE,
        {},
        await limited.tokens.issue(user.id),
      );
      urls.push(new URL(res.data!.calendarFeedUrl.url).pathname);
    }
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await limited.fetch(urls[0]!)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await limited.fetch(urls[0]!);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await limited.fetch(urls[1]!)).status).toBe(200);
  });
});

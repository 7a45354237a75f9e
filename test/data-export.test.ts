import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, globalId, type TestApp } from './helpers/app.js';
import { createAssignment, createCourse, createLecture, createStudySession, createUser } from './helpers/factories.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const EXPORT = 'mutation { exportMyData { format generatedAt data } }';

type Row = { id: string; deletedAt?: string | null };
interface Exported {
  format: string;
  generatedAt: string;
  data: {
    account: Record<string, unknown>;
    courses: Row[];
    assignments: Row[];
    lectures: Row[];
    studySessions: Row[];
    activeDays: string[];
  };
}

describe('exportMyData', () => {
  it("gives the viewer everything stored about the account, deleted-but-unpurged rows included, and nobody else's", async () => {
    const [user, other] = [await createUser(app.db, { firstName: 'Ada' }), await createUser(app.db)];
    const course = await createCourse(app.db, user.id, { name: 'Algebra' });
    const kept = await createAssignment(app.db, user.id, course.id, { title: 'Problem set' });
    const gone = await createAssignment(app.db, user.id, course.id, { title: 'Dropped' });
    const lecture = await createLecture(app.db, user.id, course.id, new Date(Date.now() + 86_400_000));
    const session = await createStudySession(app.db, user.id, course.id, kept.id);
    const token = await app.tokens.issue(user.id);
    const deleted = await app.gql(
      'mutation ($id: ID!) { deleteAssignment(id: $id) { deletedId } }',
      {
        id: globalId('Assignment', gone.id),
      },
      token,
    );
    expect(deleted.errors).toBeUndefined();
    const theirs = await createCourse(app.db, other.id, { name: 'Not yours' });

    const res = await app.gql<{ exportMyData: Exported }>(EXPORT, {}, token);
    expect(res.errors).toBeUndefined();
    const out = res.data!.exportMyData;
    expect(out.format).toBe('study-planner-export/1');
    expect(out.data.account).toMatchObject({ id: user.id, email: user.email, firstName: 'Ada' });
    expect(out.data.courses.map((c) => c.id)).toEqual([course.id]);
    expect(out.data.assignments.map((a) => a.id).sort()).toEqual([kept.id, gone.id].sort());
    expect(out.data.assignments.find((a) => a.id === gone.id)?.deletedAt).toEqual(expect.any(String));
    expect(out.data.assignments.find((a) => a.id === kept.id)?.deletedAt).toBeNull();
    expect(out.data.lectures.map((l) => l.id)).toEqual([lecture.id]);
    expect(out.data.studySessions.map((s) => s.id)).toEqual([session.id]);
    const text = JSON.stringify(out);
    // No secret and nothing of another account.
    expect(text).not.toContain('passwordHash');
    expect(text).not.toContain(user.passwordHash);
    expect(text).not.toContain(theirs.id);
    expect(text).not.toContain(other.id);
  });

  it('is refused with UNAUTHENTICATED without a session, and reads nothing', async () => {
    const res = await app.gql(EXPORT);
    expect(res.data?.exportMyData ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

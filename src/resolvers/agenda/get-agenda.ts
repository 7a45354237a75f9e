import type { RootSqlForm } from '../../db/sql.js';
import { ValidationError } from '../../errors.js';
import type { Assignment, Lecture, Prisma, StudySession } from '../../generated/prisma/client.js';
import { accessibleUserId } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import type { Selection } from '../selection.js';
import { checkSearch, searchWhere } from '../find-and-sort.js';
import { checkDate } from '../shared.js';

export type AgendaItem =
  | (Assignment & { kind: 'ASSIGNMENT'; at: Date })
  | (Lecture & { kind: 'LECTURE'; at: Date })
  | (StudySession & { kind: 'STUDY_SESSION'; at: Date });

export interface AgendaInput {
  /** Whose agenda: the viewer's by default; another user's only for an admin. */
  userId?: string;
  from: Date;
  to: Date;
  /** Only items whose title or free text contains this, case-insensitively (find-and-sort.ts). */
  search?: string | null;
  /** Cursor of the item to continue after (forward paging). */
  after?: string | null;
  /** Cursor of the item to continue before (backward paging, with `inverted`). */
  before?: string | null;
  /** How many items to load (the connection layer asks one more to see if there is a next page). */
  limit: number;
  /** Backward paging: the items just before `before`, nearest first. */
  inverted?: boolean;
}

/** Prisma include/select per kind, merged into each query (relations the operation asks for). */
export interface AgendaSelection {
  assignment?: Selection<Prisma.AssignmentFindManyArgs>;
  lecture?: Selection<Prisma.LectureFindManyArgs>;
  studySession?: Selection<Prisma.StudySessionFindManyArgs>;
}

export const MAX_AGENDA_DAYS = 366;
/**
 * The kinds in their tie order, the model of each and the column that places its rows in time
 * (also the planned path's, docs/planned-execution.md).
 */
export const AGENDA_SOURCES = [
  { kind: 'ASSIGNMENT', model: 'Assignment', at: 'dueAt' },
  { kind: 'LECTURE', model: 'Lecture', at: 'startsAt' },
  { kind: 'STUDY_SESSION', model: 'StudySession', at: 'startsAt' },
] as const;
const KINDS = AGENDA_SOURCES.map((s) => s.kind);
type Kind = (typeof KINDS)[number];

/** `agenda` on the planned path (its window checks run before the statement). */
export const agendaSqlForm: RootSqlForm = { kind: 'agenda' };
interface Position {
  at: Date;
  kind: number;
  id: string;
}

/** Cursors are opaque to clients: base64url of "<epoch ms>:<kind index>:<id>". */
export function agendaCursor(item: AgendaItem): string {
  return Buffer.from(`${item.at.getTime()}:${KINDS.indexOf(item.kind)}:${item.id}`).toString('base64url');
}

function parseCursor(cursor: string): Position {
  const match = /^(\d{1,15}):([0-2]):([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new ValidationError('The cursor is not one this API gave out.', 'after');
  return { at: new Date(Number(match[1])), kind: Number(match[2]), id: match[3]! };
}

/** Rows of one kind strictly after (or before, `inverted`) a position in (at, kind, id) order. */
function beyond(timeField: 'dueAt' | 'startsAt', kind: number, cursor: Position | null, inverted: boolean): object {
  if (!cursor) return {};
  const gt = inverted ? 'lt' : 'gt';
  const gte = inverted ? 'lte' : 'gte';
  if (kind === cursor.kind) {
    return { OR: [{ [timeField]: { [gt]: cursor.at } }, { [timeField]: cursor.at, id: { [gt]: cursor.id } }] };
  }
  return { [timeField]: { [kind > cursor.kind !== inverted ? gte : gt]: cursor.at } };
}

/** A window getAgenda and countAgenda accept: valid dates, `to` after `from`, at most MAX_AGENDA_DAYS. */
function checkWindow(input: { from: Date; to: Date }): void {
  checkDate(input.from, 'from');
  checkDate(input.to, 'to');
  if (input.to <= input.from) throw new ValidationError('to must be after from.', 'to');
  if (input.to.getTime() - input.from.getTime() > MAX_AGENDA_DAYS * 86_400_000) {
    throw new ValidationError(`The window may span at most ${MAX_AGENDA_DAYS} days.`, 'to');
  }
}

/** How many items getAgenda pages through in [from, to): the live rows of each kind in the window. */
export async function countAgenda(
  ctx: DomainContext,
  input: Pick<AgendaInput, 'userId' | 'from' | 'to' | 'search'>,
): Promise<number> {
  const userId = accessibleUserId(ctx, input.userId);
  checkWindow(input);
  const search = checkSearch(input.search);
  const window = { gte: input.from, lt: input.to };
  const counts = await Promise.all([
    ctx.db.assignment.count({ where: { userId, dueAt: window, ...searchWhere('Assignment', search) } }),
    ctx.db.lecture.count({ where: { userId, startsAt: window, ...searchWhere('Lecture', search) } }),
    ctx.db.studySession.count({ where: { userId, startsAt: window, ...searchWhere('StudySession', search) } }),
  ]);
  return counts.reduce((a, b) => a + b, 0);
}

/**
 * The viewer's assignments (by due time), lectures and study sessions (by start) in [from, to),
 * in one time order across the three kinds, one page at a time. Three indexed range queries
 * (one per kind, each limited to the page size) in one statement, merged here.
 */
export async function getAgenda(
  ctx: DomainContext,
  input: AgendaInput,
  queries: AgendaSelection = {},
): Promise<AgendaItem[]> {
  const userId = accessibleUserId(ctx, input.userId);
  checkWindow(input);
  const search = checkSearch(input.search);
  const inverted = input.inverted ?? false;
  const rawCursor = inverted ? input.before : input.after;
  const cursor = rawCursor ? parseCursor(rawCursor) : null;
  const dir = inverted ? 'desc' : 'asc';
  const take = input.limit;
  const window = { gte: input.from, lt: input.to };

  // One statement: the three range queries are relation loads of the user row, each a LATERAL
  // subquery on its (userId, time) index. A deleted user has no agenda.
  const user = await ctx.db.user.findUnique({
    where: { id: userId },
    select: {
      assignments: {
        ...queries.assignment,
        where: { dueAt: window, ...searchWhere('Assignment', search), AND: [beyond('dueAt', 0, cursor, inverted)] },
        orderBy: [{ dueAt: dir }, { id: dir }],
        take,
      },
      lectures: {
        ...queries.lecture,
        where: { startsAt: window, ...searchWhere('Lecture', search), AND: [beyond('startsAt', 1, cursor, inverted)] },
        orderBy: [{ startsAt: dir }, { id: dir }],
        take,
      },
      studySessions: {
        ...queries.studySession,
        where: {
          startsAt: window,
          ...searchWhere('StudySession', search),
          AND: [beyond('startsAt', 2, cursor, inverted)],
        },
        orderBy: [{ startsAt: dir }, { id: dir }],
        take,
      },
    },
  });
  if (!user) return [];
  const { assignments, lectures, studySessions: sessions } = user;

  const items: AgendaItem[] = [
    ...assignments.map((a) => ({ ...a, kind: 'ASSIGNMENT' as const, at: a.dueAt })),
    ...lectures.map((l) => ({ ...l, kind: 'LECTURE' as const, at: l.startsAt })),
    ...sessions.map((s) => ({ ...s, kind: 'STUDY_SESSION' as const, at: s.startsAt })),
  ];
  const order = (a: AgendaItem, b: AgendaItem) =>
    a.at.getTime() - b.at.getTime() ||
    KINDS.indexOf(a.kind as Kind) - KINDS.indexOf(b.kind as Kind) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  items.sort(inverted ? (a, b) => order(b, a) : order);
  return items.slice(0, take);
}

import { ValidationError } from '../errors.js';

/*
 * Find and sort over the task lists (assignments, lectures, study sessions, the agenda): the
 * search text, the orders and their tie-break, in one place (docs/find-and-sort.md).
 */

/** The longest search text accepted, in characters (after trimming). */
export const SEARCH_MAX = 100;

/** The columns a search reads, per kind: the title and the kind's free text. */
export const SEARCH_COLUMNS = {
  Assignment: ['title', 'description'],
  Lecture: ['title', 'location'],
  StudySession: ['title', 'notes'],
} as const;
export type SearchEntity = keyof typeof SEARCH_COLUMNS;

/**
 * The search text as it is matched: trimmed; null when left out or blank (no condition); longer
 * than SEARCH_MAX is BAD_USER_INPUT.
 */
export function checkSearch(search: string | null | undefined): string | null {
  if (search == null) return null;
  const text = search.trim();
  if (text.length > SEARCH_MAX) {
    throw new ValidationError(`search must be at most ${SEARCH_MAX} characters.`, 'search');
  }
  return text.length ? text : null;
}

/**
 * The rows of `entity` whose title or free text contains `text`, case-insensitively, as Prisma's
 * `contains` + `mode: 'insensitive'` runs it (`ILIKE '%…%'`, served by the `*_search_trgm_idx`
 * trigram indexes). Prisma puts the text between `%`s as it is: `%`, `_` and `\` are escaped
 * here (ILIKE's escape character is `\`), so they match themselves.
 */
export function searchWhere(entity: SearchEntity, text: string | null): { OR?: Record<string, unknown>[] } {
  if (text === null) return {};
  const literal = text.replace(/[\\%_]/g, (c) => `\\${c}`);
  return { OR: SEARCH_COLUMNS[entity].map((column) => ({ [column]: { contains: literal, mode: 'insensitive' } })) };
}

export type OrderDirection = 'asc' | 'desc';

/** An order of a list: a column and a direction; rows that tie on the column go by id, the same way. */
export interface ListOrder<F extends string> {
  field: F;
  direction?: OrderDirection | null;
}

/**
 * A Prisma orderBy for `order` (or `fallback` when none is given): the column, then id in the
 * same direction, so every row has one place and a cursor (an id) one position.
 */
export function orderByOf<F extends string>(
  order: ListOrder<F> | null | undefined,
  fallback: F,
): [Record<F, OrderDirection>, { id: OrderDirection }] {
  const field = order?.field ?? fallback;
  const direction = order?.direction ?? 'asc';
  return [{ [field]: direction } as Record<F, OrderDirection>, { id: direction }];
}

/**
 * The Prisma `query` of a relation connection (a course's assignments, lectures, study sessions)
 * given `search` and `orderBy`: the order (`fallback` when none), and a where only when there is
 * a search, so the unsearched connection is the plain relation (the planner derives its form).
 */
export function relationQuery<F extends string>(
  entity: SearchEntity,
  args: { search?: string | null; orderBy?: ListOrder<F> | null },
  fallback: F,
): { orderBy: ReturnType<typeof orderByOf<F>>; where?: { OR?: Record<string, unknown>[] } } {
  const search = checkSearch(args.search);
  return {
    orderBy: orderByOf(args.orderBy, fallback),
    ...(search === null ? {} : { where: searchWhere(entity, search) }),
  };
}

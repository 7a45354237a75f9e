import { getVariableValues, type GraphQLSchema } from 'graphql';
import { formatPrismaCursor, parsePrismaCursor } from '@pothos/plugin-prisma';
import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { queryRows, type Db } from '../db/client.js';
import { mayAccess } from '../resolvers/access.js';
import { dayBounds } from '../resolvers/agenda/day-bounds.js';
import { MAX_AGENDA_DAYS } from '../resolvers/agenda/get-agenda.js';
import type { Viewer } from '../resolvers/domain-context.js';
import { MAX_PAGE_SIZE } from '../resolvers/page.js';
import { checkDate } from '../resolvers/shared.js';
import { MISSING, type ParamSource } from './statement.js';
import { NotPlanned } from './forms.js';
import { isFullyPlanned, type Plan } from './plan.js';

export interface PlanContext {
  db: Db;
  viewer: Viewer | null;
  now: () => Date;
  /** Told when a statement fails (the generic path then answers): a plan that needs fixing. */
  onError?: (err: unknown) => void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Day {
  timezone: string;
  from: string;
  to: string;
}

/** Whether PostgreSQL's day in each time zone is dayBounds' (the resolver's rule, with Intl). */
function sameDays(days: Day[], nowIso: string): boolean {
  const now = new Date(nowIso);
  return days.every((d) => {
    const expected = dayBounds(now, d.timezone);
    return expected.from.toISOString() === d.from && expected.to.toISOString() === d.to;
  });
}

/** getAgenda's checks of a window: else the generic path answers its BAD_USER_INPUT. */
function checkWindow(from: unknown, to: unknown): void {
  if (!(from instanceof Date) || !(to instanceof Date)) throw new NotPlanned('not a window');
  try {
    checkDate(from, 'from');
    checkDate(to, 'to');
  } catch {
    throw new NotPlanned('a date out of range');
  }
  if (to <= from || to.getTime() - from.getTime() > MAX_AGENDA_DAYS * 86_400_000) throw new NotPlanned('window');
}

/**
 * The row id in a global id of `typename` (plugin-relay's encoding, and only its canonical text),
 * else null: the generic path answers the error.
 */
function decodeGlobalId(value: unknown, typename: string): string | null {
  if (typeof value !== 'string') return null;
  try {
    const decoded = decodeGlobalID(value);
    if (decoded.typename !== typename || encodeGlobalID(typename, decoded.id) !== value) return null;
    return UUID.test(decoded.id) ? decoded.id : null;
  } catch {
    return null;
  }
}

/**
 * The row id in plugin-prisma's cursor of a connection by `id` (only its canonical text), else
 * null: the generic path answers the error.
 */
function decodeCursor(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  try {
    const id = parsePrismaCursor(value);
    return typeof id === 'string' && UUID.test(id) && formatPrismaCursor({ id }, 'id') === value ? id : null;
  } catch {
    return null;
  }
}

/**
 * Runs a fully planned document: `{ data }`, or null when the request needs the generic path
 * (no viewer, variables that do not coerce, a page size out of range, a row that is not found or
 * not the viewer's...), which then produces the same answer it always does, errors included.
 */
export async function execute(
  p: Plan,
  schema: GraphQLSchema,
  ctx: PlanContext,
  rawVariables: Record<string, unknown> | undefined,
): Promise<{ dataJson: string } | null> {
  if (!isFullyPlanned(p) || !p.operation || !ctx.viewer) return null;
  const coerced = getVariableValues(schema, p.operation.variableDefinitions ?? [], rawVariables ?? {});
  if (coerced.errors) return null;
  const variables = coerced.coerced;
  const viewer = ctx.viewer;
  const now = ctx.now().toISOString();
  const bind = (source: ParamSource): unknown => {
    switch (source.from) {
      case 'viewer':
        return viewer.id;
      case 'now':
        return now;
      case 'literal':
        return source.value;
      case 'variable': {
        const value = variables[source.name];
        if (source.type === 'boolean') {
          if (value !== null && value !== undefined && typeof value !== 'boolean')
            throw new NotPlanned('not a Boolean');
          return value ?? null;
        }
        if (source.type === 'datetime') {
          if (!(value instanceof Date)) throw new NotPlanned('not a DateTime');
          return value.toISOString();
        }
        if (source.type === 'int') {
          if (typeof value !== 'number' || value < 1 || value > (source.max ?? MAX_PAGE_SIZE))
            throw new NotPlanned('first out of range');
          return value;
        }
        if (value !== null && value !== undefined && typeof value !== 'string') throw new NotPlanned('not a string');
        return value ?? null;
      }
      case 'cursor': {
        const raw = 'variable' in source.id ? variables[source.id.variable] : source.id.literal;
        return (
          decodeCursor(raw) ??
          (() => {
            throw new NotPlanned('not a cursor of this connection');
          })()
        );
      }
      case 'globalId': {
        const raw = 'variable' in source.id ? variables[source.id.variable] : source.id.literal;
        return (
          decodeGlobalId(raw, source.typename) ??
          (() => {
            throw new NotPlanned('not an id of ' + source.typename);
          })()
        );
      }
    }
  };
  let values: unknown[][];
  try {
    for (const r of p.roots) if (r.planned && r.window) checkWindow(variables[r.window[0]], variables[r.window[1]]);
    values = p.roots.map((r) => (r.planned ? r.params.map(bind) : []));
  } catch (err) {
    if (err instanceof NotPlanned) return null;
    throw err;
  }
  // A statement that fails (say, a time zone PostgreSQL does not know) leaves the answer to the
  // generic path.
  type Row = { owner: string | null; json: string; days?: string | null };
  let results: Row[][];
  try {
    results = await Promise.all(
      p.roots.map((r, i) =>
        r.planned && !r.constant ? queryRows<Row>(ctx.db, { name: r.statementName, text: r.sql }, values[i] ?? []) : [],
      ),
    );
  } catch (err) {
    ctx.onError?.(err);
    return null;
  }
  const parts: string[] = [];
  for (const [i, r] of p.roots.entries()) {
    const row = results[i]?.[0];
    if (r.planned && r.constant) {
      parts.push(`${JSON.stringify(r.responseKey)}:${r.constant}`);
      continue;
    }
    if (!r.planned || !row) return null;
    if (r.ownerCheck && (row.owner === null || !mayAccess(viewer, row.owner))) return null;
    if (row.json.includes(MISSING)) return null;
    if (row.days && !sameDays(JSON.parse(row.days) as Day[], now)) return null;
    parts.push(`${JSON.stringify(r.responseKey)}:${row.json}`);
  }
  // The `data` of the answer as JSON.stringify would write it (the statements write compact JSON).
  return { dataJson: `{${parts.join(',')}}` };
}

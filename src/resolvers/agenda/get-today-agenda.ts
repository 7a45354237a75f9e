import type { FieldSqlForm } from '../../db/sql.js';
import type { DomainContext } from '../domain-context.js';
import { dayBounds } from './day-bounds.js';
import { getAgenda, type AgendaItem, type AgendaSelection } from './get-agenda.js';

export const TODAY_LIMIT = 100;

/** `User.todayAgenda` on the planned path: the day is computed in SQL and checked against dayBounds. */
export const todayAgendaSqlForm: FieldSqlForm = { kind: 'todayAgenda', limit: TODAY_LIMIT };

/** A user's agenda for the current calendar day in their time zone (at most TODAY_LIMIT items). */
export function getTodayAgenda(
  ctx: DomainContext,
  input: { userId: string; timezone: string },
  queries?: AgendaSelection,
): Promise<AgendaItem[]> {
  const { from, to } = dayBounds(ctx.now(), input.timezone);
  return getAgenda(ctx, { userId: input.userId, from, to, limit: TODAY_LIMIT }, queries);
}

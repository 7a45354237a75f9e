import type { Prisma, WebhookEvent } from '../../generated/prisma/client.js';
import { requireAdmin } from '../access.js';
import type { DomainContext } from '../domain-context.js';

export interface WebhookEventFilter {
  /** Only deliveries with this outcome, e.g. UNMATCHED (events no account was found for). */
  outcome?: 'APPLIED' | 'STALE' | 'UNMATCHED' | 'IGNORED' | null;
}

function webhookEventsWhere(ctx: DomainContext, filter: WebhookEventFilter): Prisma.WebhookEventWhereInput {
  requireAdmin(ctx);
  return filter.outcome ? { outcome: filter.outcome } : {};
}

/** Admin only: received webhook events, newest first (by outcome: WebhookEvent_outcome_created_idx). */
export function listWebhookEvents(
  ctx: DomainContext,
  filter: WebhookEventFilter,
  query: Pick<Prisma.WebhookEventFindManyArgs, 'select' | 'take' | 'skip' | 'cursor'> = {},
): Promise<WebhookEvent[]> {
  return ctx.db.webhookEvent.findMany({
    ...query,
    where: webhookEventsWhere(ctx, filter),
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
}

/** How many events `listWebhookEvents` pages through. */
export function countWebhookEvents(ctx: DomainContext, filter: WebhookEventFilter): Promise<number> {
  return ctx.db.webhookEvent.count({ where: webhookEventsWhere(ctx, filter) });
}

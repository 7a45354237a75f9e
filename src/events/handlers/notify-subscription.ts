import { defineHandler } from '../handler.js';

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : null);

/**
 * Subscription changes and billing problems → an in-app notification for the account (when its
 * preferences allow in-app notifications). Idempotent: one row per (event, user, channel).
 */
export const notifySubscription = defineHandler({
  name: 'notify-subscription',
  eventTypes: ['subscription.changed', 'subscription.billing_issue'],
  async handle(event, { db }) {
    const { userId } = event.payload;
    const prefs = await db.notificationPreference.findUnique({ where: { userId }, select: { inAppEnabled: true } });
    if (prefs && !prefs.inAppEnabled) return 'skipped';
    if (!(await db.user.findUnique({ where: { id: userId }, select: { id: true } }))) return 'skipped';
    let title: string;
    let body: string;
    if (event.type === 'subscription.billing_issue') {
      const until = day(event.payload.gracePeriodEndsAt);
      title = 'Payment problem';
      body = `We could not renew your Premium subscription. Please update your payment method${until ? ` before ${until}` : ''} to keep Premium.`;
    } else {
      const p = event.payload;
      const until = day(p.expiresAt);
      if (p.tier === 'FREE') {
        title = 'Premium ended';
        body = 'Your Premium subscription has ended; your account is on the free plan.';
      } else if (p.lifetime) {
        title = 'Premium for life';
        body = 'Premium is yours for good: it has no end date.';
      } else if (p.cause === 'NON_RENEWING_PURCHASE' || p.cause === 'TRANSFER') {
        title = 'Premium is active';
        body = `Premium is active${until ? ` until ${until}` : ''}.`;
      } else if (!p.willRenew) {
        title = 'Premium will not renew';
        body = `Your Premium subscription was cancelled; it stays active${until ? ` until ${until}` : ''}.`;
      } else if (p.previousTier === 'FREE') {
        title = 'Welcome to Premium';
        body = `Premium is active${until ? ` until ${until}` : ''} and renews automatically.`;
      } else {
        title = 'Premium renewed';
        body = `Premium is active${until ? ` until ${until}` : ''}.`;
      }
    }
    await db.notification.createMany({
      data: [
        {
          userId,
          kind: event.type,
          title,
          body,
          data: { eventId: event.id },
          sourceEventId: event.id,
          channel: 'IN_APP',
        },
      ],
      skipDuplicates: true,
    });
    return 'done';
  },
});

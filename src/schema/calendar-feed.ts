import { createCalendarFeed } from '../resolvers/calendar/create-calendar-feed.js';
import { calendarFeedPath, type CalendarFeedSecret } from '../resolvers/calendar/feed-token.js';
import { getCalendarFeed } from '../resolvers/calendar/get-calendar-feed.js';
import { resetCalendarFeed } from '../resolvers/calendar/reset-calendar-feed.js';
import { revokeCalendarFeed } from '../resolvers/calendar/revoke-calendar-feed.js';
import type { Context } from '../context.js';
import { builder } from './builder.js';

/** What a feed mutation answers: the secret and the origin its URL starts with. */
type IssuedFeed = CalendarFeedSecret & { origin: string | null };

const CalendarFeedUrl = builder.objectRef<IssuedFeed>('CalendarFeedUrl').implement({
  description:
    'A secret calendar feed URL (docs/calendar-feed.md). Shown only when it is made: the server keeps a hash of it.',
  fields: (t) => ({
    url: t.string({
      description:
        'https://…/calendar/<token>.ics: subscribe to it in a calendar app. Whoever has it reads the feed; ' +
        'resetCalendarFeed or revokeCalendarFeed makes it answer 404.',
      resolve: (feed) => `${feed.origin ?? ''}${calendarFeedPath(feed.token)}`,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When this URL was made.' }),
  }),
});

const CalendarFeed = builder.objectRef<{ createdAt: Date }>('CalendarFeed').implement({
  description: "The signed-in user's calendar feed, without its URL (only a hash of it is kept).",
  fields: (t) => ({
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the current URL was made.' }),
  }),
});

const issued = (ctx: Context, secret: CalendarFeedSecret): IssuedFeed => ({ ...secret, origin: ctx.publicOrigin() });

builder.queryFields((t) => ({
  calendarFeed: t.field({
    type: CalendarFeed,
    nullable: true,
    description: 'Whether the signed-in user has a calendar feed URL (null: none, or revoked).',
    authScopes: { signedIn: true },
    resolve: (_root, _args, ctx) => getCalendarFeed(ctx),
  }),
}));

builder.mutationFields((t) => ({
  calendarFeedUrl: t.field({
    type: CalendarFeedUrl,
    description:
      'Makes the calendar feed URL of the signed-in user on first use and answers it. It is shown this once: ' +
      'while a feed exists this is CONFLICT (resetCalendarFeed gives a new URL).',
    authScopes: { signedIn: true },
    resolve: async (_root, _args, ctx) => issued(ctx, await createCalendarFeed(ctx)),
  }),
  resetCalendarFeed: t.field({
    type: CalendarFeedUrl,
    description: 'Revokes the current calendar feed URL (it answers 404 from now on) and answers a new one.',
    authScopes: { signedIn: true },
    resolve: async (_root, _args, ctx) => issued(ctx, await resetCalendarFeed(ctx)),
  }),
  revokeCalendarFeed: t.boolean({
    description:
      'Revokes the calendar feed URL without a new one (it answers 404 from now on); false when there was none.',
    authScopes: { signedIn: true },
    resolve: (_root, _args, ctx) => revokeCalendarFeed(ctx),
  }),
}));

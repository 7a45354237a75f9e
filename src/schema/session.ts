import { nodeWhere } from '../resolvers/access.js';
import { listSessions } from '../resolvers/sessions/list-sessions.js';
import { refreshSession } from '../resolvers/sessions/refresh-session.js';
import { revokeSession } from '../resolvers/sessions/revoke-session.js';
import { signOutEverywhere } from '../resolvers/sessions/sign-out-everywhere.js';
import { signOut } from '../resolvers/sessions/sign-out.js';
import { builder } from './builder.js';
import { deviceOf } from './session-device.js';
import { AuthPayload, UserType } from './user.js';

export const SessionType = builder.prismaNode('Session', {
  description:
    'A signed-in device: one sign-in, kept alive by refreshSession. Its id changes with every refresh ' +
    '(each refresh token is a row); revokeSession takes any id of it.',
  // The family says which session is the request's own (`current`).
  select: { id: true, familyId: true },
  id: { field: 'id' },
  // node(id): your own session (an admin: anyone's); anyone else's, a missing or deleted one is null.
  findUnique: (id, ctx) => nodeWhere(ctx, 'Session', id),
  nullable: true,
  fields: (t) => ({
    deviceName: t.exposeString('deviceName', {
      nullable: true,
      description: 'What the device called itself at sign-in (deviceName), or null.',
    }),
    userAgent: t.exposeString('userAgent', {
      nullable: true,
      description: 'The User-Agent header of the sign-in or the last refresh.',
    }),
    ip: t.exposeString('ip', { nullable: true, description: 'The client address of the sign-in or the last refresh.' }),
    createdAt: t.expose('signedInAt', { type: 'DateTime', description: 'When the device signed in.' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', description: 'The sign-in or the last refresh.' }),
    expiresAt: t.expose('expiresAt', {
      type: 'DateTime',
      description: 'When the session ends unless it is refreshed before (REFRESH_TOKEN_TTL after the last refresh).',
    }),
    current: t.boolean({
      description: 'Whether this is the session of the token the request was made with.',
      resolve: (session, _args, ctx) => session.familyId === ctx.viewer?.sessionFamilyId,
    }),
  }),
});

builder.objectField(UserType, 'sessions', (t) =>
  t.field({
    type: [SessionType],
    description:
      "The live sessions (signed-in devices), most recently used first, at most 100. Your own only (an admin: anyone's); anyone else sees none.",
    resolve: (user, _args, ctx) => listSessions(ctx, { userId: user.id }),
  }),
);

const RefreshSessionInput = builder.inputType('RefreshSessionInput', {
  description: 'The refresh token to exchange.',
  fields: (t) => ({
    refreshToken: t.string({ description: 'The refreshToken of the last AuthPayload; it works once.' }),
  }),
});

const SignOutPayload = builder.objectRef<{ sessionsEnded: number }>('SignOutPayload').implement({
  description: 'The result of signOut and signOutEverywhere.',
  fields: (t) => ({
    sessionsEnded: t.exposeInt('sessionsEnded', { description: 'How many sessions (devices) were ended.' }),
  }),
});

const RevokeSessionPayload = builder.objectRef<{ id: string }>('RevokeSessionPayload').implement({
  description: 'The result of revokeSession.',
  fields: (t) => ({
    revokedId: t.globalID({
      description: 'The global id of the revoked session.',
      resolve: (r) => ({ type: 'Session', id: r.id }),
    }),
  }),
});

builder.mutationFields((t) => ({
  refreshSession: t.field({
    type: AuthPayload,
    description:
      'Exchanges a refresh token for a new access token and a new refresh token (rotation). No sign-in needed. ' +
      'Refused with UNAUTHENTICATED and extensions.reason: INVALID_REFRESH_TOKEN, REFRESH_TOKEN_EXPIRED, ' +
      'SESSION_REVOKED, or REFRESH_TOKEN_REUSED (a used token presented again: the whole session is revoked). ' +
      'Rate-limited per address.',
    args: { input: t.arg({ type: RefreshSessionInput, description: 'The refresh token.' }) },
    resolve: (_root, { input }, ctx) =>
      refreshSession(ctx, { refreshToken: input.refreshToken, device: deviceOf(ctx) }),
  }),
  signOut: t.field({
    type: SignOutPayload,
    description:
      'Ends the current session (this device): its access and refresh tokens stop working and its open subscriptions end within seconds. A deprecated session-less token gives BAD_USER_INPUT: use signOutEverywhere.',
    authScopes: { signedIn: true },
    resolve: async (_root, _args, ctx) => ({ sessionsEnded: (await signOut(ctx)) ? 1 : 0 }),
  }),
  signOutEverywhere: t.field({
    type: SignOutPayload,
    description:
      'Ends every session of the signed-in user, this one included, and every deprecated session-less token issued until now.',
    authScopes: { signedIn: true },
    resolve: async (_root, _args, ctx) => ({ sessionsEnded: await signOutEverywhere(ctx) }),
  }),
  revokeSession: t.field({
    type: RevokeSessionPayload,
    description: "Ends one of your sessions (a lost phone). Someone else's, an unknown or an ended session: NOT_FOUND.",
    authScopes: { signedIn: true },
    args: { id: t.arg.globalID({ for: SessionType, description: 'The global id of a session of me.sessions.' }) },
    resolve: (_root, { id }, ctx) => revokeSession(ctx, { id: id.id }),
  }),
}));

import type { IssuedSession } from '../resolvers/sessions/issue-session.js';
import { completeOnboarding } from '../resolvers/users/complete-onboarding.js';
import { deleteAccount } from '../resolvers/users/delete-account.js';
import { getViewer } from '../resolvers/users/get-viewer.js';
import { signIn } from '../resolvers/users/sign-in.js';
import { signUp } from '../resolvers/users/sign-up.js';
import { updateProfile } from '../resolvers/users/update-profile.js';
import { sqlForm, withSqlForm } from '../db/sql.js';
import { fullName, fullNameSql, splitFullName } from '../versioning/compat.js';
import { deprecated } from '../versioning/deprecate.js';
import type { Deletion } from '../resolvers/deletion.js';
import { builder } from './builder.js';
import { deletionPayload } from './deletion.js';
import { nodeLookup } from './global-ids.js';
import { deviceOf } from './session-device.js';

export const SubscriptionTier = builder.enumType('SubscriptionTier', {
  description: 'Billing tier.',
  values: { FREE: { description: 'The default tier.' }, PREMIUM: { description: 'A paid subscription is active.' } },
});
export const AccountStatus = builder.enumType('AccountStatus', {
  description: 'Whether an account may sign in.',
  values: {
    ACTIVE: { description: 'May sign in.' },
    SUSPENDED: { description: 'Blocked by an operator; cannot sign in.' },
  },
});
export const Role = builder.enumType('Role', {
  description: 'What an account may do.',
  values: { USER: { description: 'A student.' }, ADMIN: { description: 'An operator: may read every row.' } },
});

export const UserType = builder.prismaNode('User', {
  description: 'A student account.',
  // Select mode: only the columns the query asks for are read (exposed fields add their own).
  // The password hash, for one, is never read for a query.
  select: { id: true },
  id: { field: 'id' },
  // node(id): yourself, or anyone for an admin; anyone else, an unknown or a non-uuid id is null, not an error.
  findUnique: nodeLookup('User'),
  nullable: true,
  fields: (t) => ({
    email: t.expose('email', { type: 'EmailAddress', description: 'Normalized (lower-case) email address.' }),
    emailVerified: t.boolean({
      description: 'Whether `email` was proven by a verification link (or a verified Apple/Google ID token).',
      ...withSqlForm({}, { kind: 'computed', sql: (r) => `(${r}."emailVerifiedAt" IS NOT NULL)`, usesNow: false }),
      select: { emailVerifiedAt: true },
      resolve: (user) => user.emailVerifiedAt !== null,
    }),
    emailVerifiedAt: t.expose('emailVerifiedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When `email` was verified; null while it is not.',
    }),
    pendingEmail: t.expose('pendingEmail', {
      type: 'EmailAddress',
      nullable: true,
      description: 'The address changeEmail asked for, until it is verified (then it becomes `email`); null otherwise.',
    }),
    firstName: t.exposeString('firstName', { description: 'Given name, 1 to 100 characters.' }),
    lastName: t.exposeString('lastName', {
      description: 'Family name, 1 to 100 characters (empty for an Apple/Google sign-up that gave none).',
    }),
    name: t.string({
      description: 'The full name, "First Last".',
      ...withSqlForm(
        deprecated({
          reason: 'One string cannot be sorted or greeted by first name.',
          replacement: 'firstName and lastName',
          deprecatedOn: '2026-11-25',
          sunset: '2027-06-01',
          migration: 'Select firstName and lastName; join them with a space where one string is shown.',
        }),
        { kind: 'computed', sql: fullNameSql, usesNow: false },
      ),
      select: { firstName: true, lastName: true },
      resolve: (user) => fullName(user),
    }),
    subscriptionTier: t.expose('subscriptionTier', {
      type: SubscriptionTier,
      description: 'Billing tier; FREE for new accounts.',
    }),
    subscriptionExpiresAt: t.expose('subscriptionExpiresAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When a PREMIUM subscription ends; null on FREE.',
    }),
    entitlementIds: t.exposeStringList('entitlementIds', {
      description:
        "RevenueCat's entitlement ids of the purchase behind the tier (its webhook's entitlement_ids); empty on FREE.",
    }),
    onboardingCompleted: t.exposeBoolean('onboardingCompleted', {
      description: "Whether the app's onboarding was finished (completeOnboarding).",
    }),
    accountStatus: t.expose('accountStatus', {
      type: AccountStatus,
      description: 'ACTIVE, or SUSPENDED by an operator.',
    }),
    role: t.expose('role', { type: Role, description: 'USER, or ADMIN for operators.' }),
    timezone: t.expose('timezone', { type: 'TimeZone', description: 'IANA time zone used for "today" and reminders.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the account was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the account last changed.' }),
  }),
});

export const AuthPayload = builder.objectRef<IssuedSession>('AuthPayload').implement({
  description:
    'A signed-in session: send `accessToken` as `Authorization: Bearer <accessToken>`; when it expires, ' +
    'exchange `refreshToken` with refreshSession for the next pair (docs/accounts-and-sessions.md).',
  fields: (t) => ({
    accessToken: t.exposeString('accessToken', {
      description:
        'A signed JWT bound to this session (`sid`); it expires after ACCESS_TOKEN_TTL (default 15 minutes).',
    }),
    accessTokenExpiresAt: t.expose('accessTokenExpiresAt', {
      type: 'DateTime',
      description: 'When accessToken expires: refresh shortly before, or on an UNAUTHENTICATED answer.',
    }),
    refreshToken: t.exposeString('refreshToken', {
      description:
        'Opaque and single use: refreshSession exchanges it for a new pair. Keep it in secure storage; ' +
        'presenting it a second time revokes the session (reuse detection).',
    }),
    refreshTokenExpiresAt: t.expose('refreshTokenExpiresAt', {
      type: 'DateTime',
      description: 'When refreshToken expires (REFRESH_TOKEN_TTL after its issue, default 30 days).',
    }),
    token: t.string({
      description:
        'A JWT of the JWT_EXPIRES_IN lifetime (default 7 days), bound to this session: it stops with signOut ' +
        'or revokeSession, but is not short-lived. Issued only when selected.',
      ...deprecated({
        reason: 'A 7-day bearer token cannot be renewed and stays valid long after it leaks.',
        replacement: 'accessToken and refreshToken (renewed with refreshSession)',
        deprecatedOn: '2026-12-08',
        sunset: '2027-06-08',
        migration:
          'Select accessToken, accessTokenExpiresAt and refreshToken; send accessToken as the bearer token and call refreshSession when it expires.',
      }),
      resolve: (payload) => payload.legacyToken(),
    }),
    // Read again with the selection of the operation (User is in select mode, and the row the
    // mutation returned is not one Pothos selected), as the viewer this session signed in.
    user: t.prismaField({
      type: 'User',
      description: 'The signed-in user.',
      resolve: (query, { user }, _args, ctx) =>
        getViewer({ ...ctx, viewer: { id: user.id, role: user.role } }, {}, query),
    }),
  }),
});

const SignUpInput = builder.inputType('SignUpInput', {
  description: 'A new account.',
  fields: (t) => ({
    email: t.field({
      type: 'EmailAddress',
      description: 'Compared case-insensitively; must not belong to a live account.',
    }),
    password: t.string({ description: '8 to 128 characters.' }),
    deviceName: t.string({
      required: false,
      description: 'What the device calls itself ("Ada\'s iPhone"), shown in me.sessions; at most 100 characters.',
    }),
    firstName: t.string({ description: '1 to 100 characters.' }),
    lastName: t.string({ description: '1 to 100 characters.' }),
  }),
});

const SignInInput = builder.inputType('SignInInput', {
  description: 'Credentials.',
  fields: (t) => ({
    email: t.string({
      description: 'Not checked as an EmailAddress: any mismatch is the same "invalid email or password".',
    }),
    password: t.string({ description: 'The account password.' }),
    deviceName: t.string({
      required: false,
      description: 'What the device calls itself ("Ada\'s iPhone"), shown in me.sessions; at most 100 characters.',
    }),
  }),
});

const UpdateProfileInput = builder.inputType('UpdateProfileInput', {
  description: 'Fields left out keep their value.',
  fields: (t) => ({
    firstName: t.string({ required: false, description: 'New given name, 1 to 100 characters.' }),
    lastName: t.string({ required: false, description: 'New family name, 1 to 100 characters.' }),
    name: t.string({
      required: false,
      description: '"First Last", split at its first space into firstName and lastName; not with them.',
      ...deprecated({
        reason: 'Splitting one string into first and last name is a guess.',
        replacement: 'firstName and lastName',
        deprecatedOn: '2026-11-25',
        sunset: '2027-06-01',
        migration: 'Send firstName and lastName instead of name.',
      }),
    }),
    timezone: t.field({ type: 'TimeZone', required: false, description: 'IANA time zone, e.g. Europe/Berlin.' }),
  }),
});

const DeleteAccountInput = builder.inputType('DeleteAccountInput', {
  description: 'Confirmation for deleteAccount.',
  fields: (t) => ({ password: t.string({ description: 'The current password, as confirmation.' }) }),
});

const DeleteAccountPayload = deletionPayload<Deletion & { deletedAt: Date }>(
  'User',
  {
    type: 'The result of deleteAccount: the shape every delete answers, and when.',
    deletedId: 'The global id of the deleted account.',
    deletionId: 'The deletion that took the account and everything it owned (an operator restores by it).',
  },
  'DeleteAccountPayload',
);
builder.objectField(DeleteAccountPayload, 'deletedAt', (t) =>
  t.expose('deletedAt', { type: 'DateTime', description: 'When the account was deleted.' }),
);

builder.queryFields((t) => ({
  me: t.prismaField({
    type: 'User',
    description: 'The signed-in user.',
    authScopes: { signedIn: true },
    extensions: sqlForm({ kind: 'viewer' }),
    resolve: (query, _root, _args, ctx) => getViewer(ctx, {}, query),
  }),
}));

builder.mutationFields((t) => ({
  signUp: t.field({
    type: AuthPayload,
    description:
      'Creates an account and signs it in (a new session). A live account with the same email gives CONFLICT.',
    args: { input: t.arg({ type: SignUpInput, description: 'The new account.' }) },
    resolve: (_root, { input }, ctx) => signUp(ctx, { ...input, device: deviceOf(ctx, input.deviceName) }),
  }),
  signIn: t.field({
    type: AuthPayload,
    description:
      'Signs in: a new session for this device. Unknown email and wrong password give the same UNAUTHENTICATED error.',
    args: { input: t.arg({ type: SignInInput, description: 'Email and password.' }) },
    resolve: (_root, { input }, ctx) => signIn(ctx, { ...input, device: deviceOf(ctx, input.deviceName) }),
  }),
  updateProfile: t.prismaField({
    type: 'User',
    description: "Changes the signed-in user's profile.",
    authScopes: { signedIn: true },
    args: { input: t.arg({ type: UpdateProfileInput, description: 'The fields to change.' }) },
    resolve: (query, _root, { input }, ctx) =>
      updateProfile(ctx, { ...splitFullName(input), timezone: input.timezone }, query),
  }),
  completeOnboarding: t.prismaField({
    type: 'User',
    description: 'Marks onboarding as done (idempotent).',
    authScopes: { signedIn: true },
    resolve: (query, _root, _args, ctx) => completeOnboarding(ctx, {}, query),
  }),
  deleteAccount: t.field({
    type: DeleteAccountPayload,
    description: 'Deletes the signed-in account and everything it owns (soft delete; an operator can restore it).',
    authScopes: { signedIn: true },
    args: { input: t.arg({ type: DeleteAccountInput, description: 'The password, as confirmation.' }) },
    resolve: (_root, { input }, ctx) => deleteAccount(ctx, input),
  }),
}));

import { changeUserRole } from '../resolvers/admin/change-user-role.js';
import { countAuditLog, listAuditLog } from '../resolvers/admin/list-audit-log.js';
import { countWebhookEvents, listWebhookEvents } from '../resolvers/admin/list-webhook-events.js';
import { reactivateUser } from '../resolvers/admin/reactivate-user.js';
import { restoreAnyCourse } from '../resolvers/admin/restore-any-course.js';
import { restoreUser } from '../resolvers/admin/restore-user.js';
import { suspendUser } from '../resolvers/admin/suspend-user.js';
import { deprecated } from '../versioning/deprecate.js';
import { builder } from './builder.js';
import { CourseType } from './course.js';
import { Role, UserType } from './user.js';

const userId = { for: UserType, description: "The account's global id." } as const;
const json = (value: unknown) => (value == null ? null : JSON.stringify(value));
/** The deprecation of the fields that gave JSON as text before the JSON scalar. */
export const asJsonText = {
  reason: 'JSON as text has to be parsed again by every client.',
  deprecatedOn: '2026-12-05',
  sunset: '2027-06-05',
  migration: 'Select the JSON field instead: it is the same value as a JSON object.',
} as const;

builder.prismaObject('AuditLog', {
  description: 'One operator action: who did what to which row, when, and the row before and after.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The entry id (a uuid).' }),
    action: t.exposeString('action', {
      description:
        'What was done: user.suspend, user.reactivate, user.role, user.restore, course.restore, user.grant_admin.',
    }),
    actorId: t.globalID({
      nullable: true,
      description: 'The admin who acted (a User global id); null for `npm run admin:grant` and ADMIN_EMAILS.',
      resolve: (e) => (e.actorId ? { type: 'User', id: e.actorId } : null),
    }),
    targetType: t.exposeString('targetType', { description: 'User or Course.' }),
    targetId: t.globalID({
      description: 'The global id of the account or course acted on.',
      resolve: (e) => ({ type: e.targetType, id: e.targetId }),
    }),
    changedFrom: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The changed fields before, as a JSON object.',
      resolve: (e) => e.before,
    }),
    changedTo: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The changed fields after (and e.g. the reason or what a restore brought back), as a JSON object.',
      resolve: (e) => e.after,
    }),
    before: t.string({
      nullable: true,
      description: 'The changed fields before, as JSON text.',
      ...deprecated({ ...asJsonText, replacement: 'changedFrom' }),
      resolve: (e) => json(e.before),
    }),
    after: t.string({
      nullable: true,
      description: 'The changed fields after, as JSON text.',
      ...deprecated({ ...asJsonText, replacement: 'changedTo' }),
      resolve: (e) => json(e.after),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was done.' }),
  }),
});

const WebhookOutcome = builder.enumType('WebhookOutcome', {
  description: 'What a received webhook event did.',
  values: {
    APPLIED: { description: "The account's subscription follows it (or its billing issue was notified)." },
    STALE: { description: 'An event newer than it had been applied already; it changed nothing.' },
    UNMATCHED: { description: 'No live account has any of its user ids; it waits for an operator.' },
    IGNORED: { description: 'A TEST event, or a type the app does not act on.' },
  },
});

builder.prismaObject('WebhookEvent', {
  description: 'A received RevenueCat webhook event, stored once per event id.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The row id (a uuid).' }),
    provider: t.exposeString('provider', { description: 'revenuecat.' }),
    externalId: t.exposeString('externalId', { description: "The provider's event id (event.id)." }),
    type: t.exposeString('type', { description: 'The event type, e.g. INITIAL_PURCHASE.' }),
    outcome: t.field({
      type: WebhookOutcome,
      nullable: true,
      description: 'What it did; null only while it was being processed.',
      resolve: (e) => e.outcome as 'APPLIED' | 'STALE' | 'UNMATCHED' | 'IGNORED' | null,
    }),
    userId: t.globalID({
      nullable: true,
      description: 'The account it was matched to; null when UNMATCHED (or IGNORED before matching).',
      resolve: (e) => (e.userId ? { type: 'User', id: e.userId } : null),
    }),
    eventAt: t.expose('eventAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When RevenueCat says it happened (event_timestamp_ms).',
    }),
    payload: t.string({
      description: 'The body as received, as JSON text (app_user_id and aliases show whom it was for).',
      resolve: (e) => JSON.stringify(e.payload),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was received.' }),
  }),
});

builder.queryFields((t) => ({
  auditLog: t.prismaConnection(
    {
      type: 'AuditLog',
      cursor: 'id',
      description: 'Admin only: every operator action, newest first.',
      authScopes: { admin: true },
      args: {
        targetId: t.arg.globalID({ required: false, description: 'Only actions on this account or course.' }),
        actorId: t.arg.globalID({ for: UserType, required: false, description: 'Only actions by this admin.' }),
        action: t.arg.string({ required: false, description: 'Only this action, e.g. "user.suspend".' }),
      },
      totalCount: (_root, args, ctx) => countAuditLog(ctx, filterOf(args)),
      resolve: (query, _root, args, ctx) => listAuditLog(ctx, filterOf(args), query),
    },
    { description: 'A page of the audit log.' },
    { description: 'One audit entry, with its cursor.' },
  ),
  webhookEvents: t.prismaConnection(
    {
      type: 'WebhookEvent',
      cursor: 'id',
      description: 'Admin only: received RevenueCat events, newest first (UNMATCHED: no account was found).',
      authScopes: { admin: true },
      args: {
        outcome: t.arg({ type: WebhookOutcome, required: false, description: 'Only events with this outcome.' }),
      },
      totalCount: (_root, args, ctx) => countWebhookEvents(ctx, args),
      resolve: (query, _root, args, ctx) => listWebhookEvents(ctx, args, query),
    },
    { description: 'A page of received webhook events.' },
    { description: 'One webhook event, with its cursor.' },
  ),
}));

function filterOf(args: { targetId?: { id: string } | null; actorId?: { id: string } | null; action?: string | null }) {
  return { targetId: args.targetId?.id, actorId: args.actorId?.id, action: args.action };
}

builder.mutationFields((t) => ({
  suspendUser: t.prismaField({
    type: 'User',
    description:
      'Admin only: suspends an account. Its tokens stop at once on the replica that does it and within VIEWER_CACHE_TTL_MS on the others; sign-in is refused. Not your own. Audited.',
    authScopes: { admin: true },
    args: {
      id: t.arg.globalID(userId),
      reason: t.arg.string({ required: false, description: 'Why, for the audit log (at most 500 characters).' }),
    },
    resolve: (query, _root, { id, reason }, ctx) => suspendUser(ctx, { id: id.id, reason }, query),
  }),
  reactivateUser: t.prismaField({
    type: 'User',
    description: 'Admin only: lifts a suspension. Audited.',
    authScopes: { admin: true },
    args: { id: t.arg.globalID(userId) },
    resolve: (query, _root, { id }, ctx) => reactivateUser(ctx, { id: id.id }, query),
  }),
  changeUserRole: t.prismaField({
    type: 'User',
    description: 'Admin only: makes an account an ADMIN or a USER. Not your own. Audited.',
    authScopes: { admin: true },
    args: { id: t.arg.globalID(userId), role: t.arg({ type: Role, description: 'The new role.' }) },
    resolve: (query, _root, { id, role }, ctx) => changeUserRole(ctx, { id: id.id, role }, query),
  }),
  restoreUser: t.prismaField({
    type: 'User',
    description:
      'Admin only: brings back a deleted account and exactly what its deletion took (courses, tasks, notifications). CONFLICT when its email is taken by a live account now. Audited.',
    authScopes: { admin: true },
    args: { id: t.arg.globalID(userId) },
    resolve: (query, _root, { id }, ctx) => restoreUser(ctx, { id: id.id }, query),
  }),
  restoreAnyCourse: t.prismaField({
    type: 'Course',
    description:
      "Admin only: restoreCourse for any student's course (with exactly the tasks its deletion took). CONFLICT when the owner's account is deleted. Audited.",
    authScopes: { admin: true },
    args: { id: t.arg.globalID({ for: CourseType, description: "The course's global id." }) },
    resolve: (query, _root, { id }, ctx) => restoreAnyCourse(ctx, { id: id.id }, query),
  }),
}));

import { countDeadLetters, listDeadLetters } from '../resolvers/admin/list-dead-letters.js';
import { retryDeadLetter } from '../resolvers/admin/retry-dead-letter.js';
import { adminNodeWhere } from '../resolvers/access.js';
import { deprecated } from '../versioning/deprecate.js';
import { asJsonText } from './admin-accounts.js';
import { builder } from './builder.js';
import { rawIdOf } from './global-ids.js';

const DeliveryStatus = builder.enumType('DeliveryStatus', {
  description: "State of one handler's delivery of one event.",
  values: {
    PENDING: { description: 'Waiting for its first or next try.' },
    SUCCEEDED: { description: 'Handled; never run again.' },
    DEAD: { description: 'Failed every try; waits for an operator.' },
  },
});

builder.prismaObject('OutboxEvent', {
  description: 'A domain event as written to the outbox.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The event id (a uuid).' }),
    type: t.exposeString('type', { description: 'e.g. "user.created".' }),
    version: t.exposeInt('version', { description: 'Payload version of this type.' }),
    data: t.field({ type: 'JSON', description: 'The payload, as a JSON object.', resolve: (e) => e.payload }),
    payload: t.string({
      description: 'The payload as JSON text.',
      ...deprecated({ ...asJsonText, replacement: 'data' }),
      resolve: (e) => JSON.stringify(e.payload),
    }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime', description: 'When the mutation that wrote it ran.' }),
    processedAt: t.expose('processedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When every delivery had settled; null while any is pending.',
    }),
  }),
});

const EventDeliveryType = builder.prismaNode('EventDelivery', {
  description: "One handler's delivery of one event. `node(id)` finds it for an admin only.",
  id: { field: 'id', description: 'Its global id, for retryDeadLetter.' },
  findUnique: (id, ctx) => adminNodeWhere(ctx, id),
  nullable: true,
  fields: (t) => ({
    handler: t.exposeString('handler', { description: 'The handler, by its stable name.' }),
    status: t.expose('status', { type: DeliveryStatus, description: 'Where the delivery stands.' }),
    attempts: t.exposeInt('attempts', { description: 'Tries so far.' }),
    lastError: t.exposeString('lastError', { nullable: true, description: 'The error of the last failed try.' }),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime', description: 'When it is (or was) due to run.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'Last change, e.g. when it was dead-lettered.' }),
    event: t.relation('event', { description: 'The event delivered.' }),
  }),
});

builder.queryFields((t) => ({
  deadLetters: t.prismaConnection({
    type: 'EventDelivery',
    cursor: 'id',
    description: 'Admin only: deliveries that failed every try, newest first.',
    authScopes: { admin: true },
    totalCount: (_parent, args, ctx) => countDeadLetters(ctx, args),
    args: { handler: t.arg.string({ required: false, description: 'Only this handler.' }) },
    resolve: (query, _root, args, ctx) => listDeadLetters(ctx, args, query),
  }),
}));

builder.mutationFields((t) => ({
  retryDeadLetter: t.field({
    type: EventDeliveryType,
    description: 'Admin only: runs a dead-lettered delivery again, with a fresh set of tries.',
    authScopes: { admin: true },
    args: {
      id: t.arg.id({
        description:
          'The delivery, by the global id deadLetters gives. Its raw uuid (what deadLetters gave before 2026-12-05) is still accepted until 2027-06-05.',
      }),
    },
    resolve: (_root, args, ctx) => retryDeadLetter(ctx, { id: rawIdOf(String(args.id), 'EventDelivery') }),
  }),
}));

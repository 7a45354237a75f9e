import { countErrors, listErrors } from '../resolvers/admin/list-errors.js';
import { builder } from './builder.js';

builder.prismaObject('ErrorLogEntry', {
  description: 'An unexpected (masked) server error, once per fingerprint, as operators see it.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The entry id (a uuid).' }),
    fingerprint: t.exposeString('fingerprint', {
      description: 'Digest of the error name, its message with numbers and ids blanked, and its code path.',
    }),
    errorName: t.exposeString('errorName', { description: 'e.g. "TypeError".' }),
    message: t.exposeString('message', { description: 'The message of the latest occurrence.' }),
    stack: t.exposeString('stack', { nullable: true, description: 'The stack of the first occurrence (trimmed).' }),
    count: t.exposeInt('count', { description: 'Occurrences so far.' }),
    firstSeenAt: t.expose('firstSeenAt', { type: 'DateTime', description: 'First occurrence.' }),
    lastSeenAt: t.expose('lastSeenAt', { type: 'DateTime', description: 'Latest occurrence.' }),
    sampleRequestId: t.exposeString('sampleRequestId', {
      description: 'Request id of the latest occurrence (the x-request-id header and the log lines carry it).',
    }),
    sampleOperation: t.exposeString('sampleOperation', {
      nullable: true,
      description: 'Operation name of the latest occurrence; null when anonymous.',
    }),
    samplePath: t.exposeString('samplePath', {
      nullable: true,
      description: 'GraphQL path of the field that failed in the latest occurrence, e.g. "me.courses".',
    }),
  }),
});

builder.queryFields((t) => ({
  errors: t.prismaConnection({
    type: 'ErrorLogEntry',
    cursor: 'id',
    description: 'Admin only: the error log, unexpected server errors by fingerprint, most recently seen first.',
    authScopes: { admin: true },
    totalCount: (_parent, args, ctx) => countErrors(ctx, args),
    args: {
      since: t.arg({ type: 'DateTime', required: false, description: 'Only errors seen at or after this time.' }),
    },
    resolve: (query, _root, args, ctx) => listErrors(ctx, args, query),
  }),
}));

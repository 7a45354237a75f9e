import { countUsers, listUsers } from '../resolvers/admin/list-users.js';
import { builder } from './builder.js';
import { AccountStatus } from './user.js';

builder.queryFields((t) => ({
  users: t.prismaConnection({
    type: 'User',
    cursor: 'id',
    description: 'Admin only: every live account, newest first.',
    authScopes: { admin: true },
    totalCount: (_parent, args, ctx) => countUsers(ctx, args),
    args: {
      search: t.arg.string({ required: false, description: 'Matches email, first or last name (case-insensitive).' }),
      status: t.arg({ type: AccountStatus, required: false, description: 'Only accounts in this status.' }),
    },
    resolve: (query, _root, args, ctx) => listUsers(ctx, args, query),
  }),
}));

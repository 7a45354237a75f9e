import { listUsersWhere } from '../resolvers/admin/list-users.js';
import { builder } from './builder.js';
import { AccountStatus } from './user.js';

builder.queryFields((t) => ({
  users: t.prismaConnection({
    type: 'User',
    cursor: 'id',
    description: 'Admin only: every live account, newest first.',
    authScopes: { admin: true },
    totalCount: (_parent, args, ctx) => ctx.db.user.count({ where: listUsersWhere(ctx, args) }),
    args: {
      search: t.arg.string({ required: false, description: 'Matches email, first or last name (case-insensitive).' }),
      status: t.arg({ type: AccountStatus, required: false, description: 'Only accounts in this status.' }),
    },
    resolve: (query, _root, args, ctx) =>
      ctx.db.user.findMany({
        ...query,
        where: listUsersWhere(ctx, args),
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      }),
  }),
}));

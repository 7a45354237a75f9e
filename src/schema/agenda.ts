import { queryFromInfo } from '@pothos/plugin-prisma';
import { resolveCursorConnection } from '@pothos/plugin-relay';
import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../context.js';
import { sqlForm } from '../db/sql.js';
import {
  agendaCursor,
  agendaSqlForm,
  countAgenda,
  getAgenda,
  MAX_AGENDA_DAYS,
  type AgendaItem,
  type AgendaSelection,
} from '../resolvers/agenda/get-agenda.js';
import { builder } from './builder.js';
import { searchDescription } from './find-and-sort.js';
import { TaskRef } from './task.js';

/** The relations each task type's selection asks for, so they load inside the three queries. */
function taskQueries(ctx: Context, info: GraphQLResolveInfo, path: string[]): AgendaSelection {
  const of = (typeName: string) => queryFromInfo({ context: ctx, info, typeName, path });
  return { assignment: of('Assignment'), lecture: of('Lecture'), studySession: of('StudySession') };
}

builder.queryFields((t) => ({
  agenda: t.connection(
    {
      type: TaskRef,
      description: `The signed-in student's assignments (at their due time), lectures and study sessions (at their start) from \`from\` (inclusive) to \`to\` (exclusive), in time order across all three kinds. The window may span at most ${MAX_AGENDA_DAYS} days. Ties are ordered assignment, lecture, study session.`,
      authScopes: { signedIn: true },
      extensions: sqlForm(agendaSqlForm),
      args: {
        from: t.arg({ type: 'DateTime', description: 'Start of the window (inclusive).' }),
        to: t.arg({ type: 'DateTime', description: 'End of the window (exclusive).' }),
        search: t.arg.string({
          required: false,
          description: searchDescription('title or free text (description, location, notes)'),
        }),
      },
      resolve: async (_root, args, ctx, info) => {
        const page = await resolveCursorConnection<Promise<AgendaItem[]>>(
          { args, toCursor: agendaCursor, defaultSize: 50, maxSize: 200 },
          ({ after, before, limit, inverted }) =>
            getAgenda(
              ctx,
              { from: args.from, to: args.to, search: args.search, after, before, limit, inverted },
              taskQueries(ctx, info, ['edges', 'node']),
            ),
        );
        return {
          ...page,
          totalCount: () => countAgenda(ctx, { from: args.from, to: args.to, search: args.search }),
        };
      },
    },
    {
      fields: (t) => ({
        totalCount: t.int({
          description: 'How many items the window holds, over all pages.',
          resolve: (connection) => connection.totalCount(),
        }),
      }),
    },
  ),
}));

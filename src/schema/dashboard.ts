import { queryFromInfo } from '@pothos/plugin-prisma';
import { sqlForm } from '../db/sql.js';
import {
  overdueCountSqlForm,
  overdueWhere,
  upcomingAssignmentsQuery,
  upcomingAssignmentsSqlForm,
  UPCOMING_MAX,
} from '../resolvers/assignments/dashboard-filters.js';
import { getTodayAgenda, TODAY_LIMIT, todayAgendaSqlForm } from '../resolvers/agenda/get-today-agenda.js';
import { builder } from './builder.js';
import { TaskRef } from './task.js';

// What a home screen needs, on the signed-in user, so that one request loads it. The two
// assignment fields merge into the `me` query itself (one SQL statement with it).
builder.prismaObjectFields('User', (t) => ({
  upcomingAssignments: t.relation('assignments', {
    description: `Open assignments due from now on, soonest first (at most ${UPCOMING_MAX}).`,
    args: { first: t.arg.int({ defaultValue: 10, description: `How many, 1 to ${UPCOMING_MAX}.` }) },
    query: (args, ctx) => upcomingAssignmentsQuery(ctx.now(), args.first),
    extensions: sqlForm(upcomingAssignmentsSqlForm),
  }),
  overdueCount: t.relationCount('assignments', {
    description: 'How many open assignments are past their due time.',
    where: (_args, ctx) => overdueWhere(ctx.now()),
    extensions: sqlForm(overdueCountSqlForm),
  }),
  todayAgenda: t.field({
    type: [TaskRef],
    description: `Today's tasks in the user's time zone, in time order (at most ${TODAY_LIMIT}).`,
    select: { timezone: true },
    extensions: sqlForm(todayAgendaSqlForm),
    resolve: (user, _args, ctx, info) => {
      const of = (typeName: string) => queryFromInfo({ context: ctx, info, typeName });
      return getTodayAgenda(
        ctx,
        { userId: user.id, timezone: user.timezone },
        { assignment: of('Assignment'), lecture: of('Lecture'), studySession: of('StudySession') },
      );
    },
  }),
}));

import { DATA_EXPORT_FORMAT, exportMyData, type DataExport } from '../resolvers/users/export-my-data.js';
import { builder } from './builder.js';

const DataExportType = builder.objectRef<DataExport>('DataExport').implement({
  description: 'Everything stored about an account, as one JSON document (exportMyData).',
  fields: (t) => ({
    format: t.string({
      description: `The layout's version, "${DATA_EXPORT_FORMAT}": later versions add members, never rename or remove one.`,
      resolve: (e) => e.format,
    }),
    generatedAt: t.expose('generatedAt', { type: 'DateTime', description: 'When the export was read.' }),
    data: t.field({
      type: 'JSON',
      description:
        'By table: account (no password hash), notificationPreference, courses, assignments, lectures, lectureSeries, studySessions, ' +
        'notifications, reminders, digests, billingEvents, auditLog (operators acting on the account), activeDays and ' +
        'identities (Apple/Google sign-ins). ' +
        'Rows deleted but not yet purged are included, with their deletedAt.',
      resolve: (e) => e.data,
    }),
  }),
});

builder.mutationFields((t) => ({
  exportMyData: t.field({
    type: DataExportType,
    description:
      "The signed-in user's data, everything stored about the account, inline as JSON (a data-access request; " +
      'deleteAccount is its counterpart). Counted by the mutation rate limits.',
    authScopes: { signedIn: true },
    resolve: (_root, _args, ctx) => exportMyData(ctx),
  }),
}));

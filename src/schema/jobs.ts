import { countJobRuns, listJobRuns } from '../resolvers/jobs/list-job-runs.js';
import { runJob } from '../resolvers/jobs/run-job.js';
import { deprecated } from '../versioning/deprecate.js';
import { asJsonText } from './admin-accounts.js';
import { builder } from './builder.js';

builder.prismaObject('JobRun', {
  description: 'One run of a scheduled job, on whichever replica held its lock.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The run id (a uuid).' }),
    job: t.exposeString('job', { description: 'The job, by name (e.g. "reminders").' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', description: 'When it began.' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', description: 'When it committed or failed.' }),
    rowsTouched: t.exposeInt('rowsTouched', { description: 'Rows it wrote or deleted (0 for a failed run).' }),
    report: t.field({
      type: 'JSON',
      nullable: true,
      description: 'What it reported, as a JSON object (e.g. {"reminders":3,"notifications":9}).',
      resolve: (r) => r.result,
    }),
    result: t.string({
      nullable: true,
      description: 'What it reported, as JSON text.',
      ...deprecated({ ...asJsonText, replacement: 'report' }),
      resolve: (r) => (r.result === null ? null : JSON.stringify(r.result)),
    }),
    error: t.exposeString('error', {
      nullable: true,
      description: 'Why it failed (its work was rolled back; it runs again at its next tick); null when it succeeded.',
    }),
  }),
});

builder.queryFields((t) => ({
  jobRuns: t.prismaConnection(
    {
      type: 'JobRun',
      cursor: 'id',
      description: 'Admin only: runs of the scheduled jobs, newest first.',
      authScopes: { admin: true },
      args: { job: t.arg.string({ required: false, description: 'Only the runs of this job.' }) },
      totalCount: (_root, { job }, ctx) => countJobRuns(ctx, { job }),
      resolve: (query, _root, { job }, ctx) => listJobRuns(ctx, { job }, query),
    },
    { description: 'A page of job runs.' },
    { description: 'One job run, with its cursor.' },
  ),
}));

builder.mutationFields((t) => ({
  runJob: t.prismaField({
    type: 'JobRun',
    description:
      'Admin only: runs a scheduled job now and returns its run (a failed run too, with its error). Unknown name: BAD_USER_INPUT; running on another replica: CONFLICT.',
    authScopes: { admin: true },
    args: {
      name: t.arg.string({
        description: 'The job: reminders, digest, deliver-notifications, prune-outbox, purge-deleted, …',
      }),
    },
    resolve: (query, _root, { name }, ctx) => runJob(ctx, { name }, query),
  }),
}));

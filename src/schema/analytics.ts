import {
  getAnalytics,
  type Analytics,
  type AnalyticsBucket,
  type AnalyticsEventType,
} from '../resolvers/analytics/get-analytics.js';
import {
  getDatabaseHealth,
  type DatabaseHealth,
  type IndexHealth,
  type StatementHealth,
  type TableHealth,
} from '../resolvers/analytics/get-database-health.js';
import { builder } from './builder.js';

const Granularity = builder.enumType('AnalyticsGranularity', {
  description: 'The size of one analytics bucket (UTC).',
  values: {
    DAY: { description: 'UTC days; activeUsers is DAU.' },
    WEEK: { description: 'ISO weeks from Monday 00:00 UTC; activeUsers is WAU.' },
  },
});

const Bucket = builder.objectRef<AnalyticsBucket>('AnalyticsBucket').implement({
  description: 'The figures of one day or week.',
  fields: (t) => ({
    start: t.expose('start', { type: 'DateTime', description: 'Start of the bucket.' }),
    signUps: t.exposeInt('signUps', { description: 'Accounts created (including ones deleted since).' }),
    activeUsers: t.exposeInt('activeUsers', {
      description: 'Accounts that ran at least one signed-in operation in the bucket (DAU or WAU).',
    }),
    assignmentsCreated: t.exposeInt('assignmentsCreated', { description: 'Assignments created.' }),
    lecturesCreated: t.exposeInt('lecturesCreated', { description: 'Lectures created.' }),
    studySessionsCreated: t.exposeInt('studySessionsCreated', { description: 'Study sessions created.' }),
    assignmentsCompleted: t.exposeInt('assignmentsCompleted', {
      description: 'Assignments completed (by completedAt; the only task kind with a completion).',
    }),
    premiumConversions: t.exposeInt('premiumConversions', {
      description: 'Accounts whose first purchase (RevenueCat INITIAL_PURCHASE) was applied.',
    }),
  }),
});

const AnalyticsEventTypeEnum = builder.enumType('AnalyticsEventType', {
  description: 'A kind of business event the analytics count.',
  values: {
    SIGN_UP: { description: 'An account created (signUps).' },
    ASSIGNMENT_CREATED: { description: 'An assignment created (assignmentsCreated).' },
    LECTURE_CREATED: { description: 'A lecture created (lecturesCreated).' },
    STUDY_SESSION_CREATED: { description: 'A study session created (studySessionsCreated).' },
    ASSIGNMENT_COMPLETED: { description: 'An assignment completed (assignmentsCompleted).' },
    PREMIUM_CONVERSION: { description: 'A first purchase applied (premiumConversions).' },
  } satisfies Record<AnalyticsEventType, { description: string }>,
});

const EventCount = builder.objectRef<Analytics['eventsByType'][number]>('AnalyticsEventCount').implement({
  description: 'How many events of one type the range holds.',
  fields: (t) => ({
    type: t.expose('type', { type: AnalyticsEventTypeEnum, description: 'The event type.' }),
    count: t.exposeInt('count', { description: 'Its events over the whole range.' }),
  }),
});

const AnalyticsType = builder.objectRef<Analytics>('Analytics').implement({
  description: 'Business figures over a range, per bucket.',
  fields: (t) => ({
    from: t.expose('from', { type: 'DateTime', description: 'Start of the first bucket.' }),
    to: t.expose('to', { type: 'DateTime', description: 'End of the last bucket (exclusive).' }),
    granularity: t.expose('granularity', { type: Granularity, description: 'The bucket size.' }),
    activeUsers: t.exposeInt('activeUsers', { description: 'Distinct active accounts over the whole range.' }),
    buckets: t.field({ type: [Bucket], description: 'One per day or week, oldest first.', resolve: (a) => a.buckets }),
    totalEvents: t.exposeInt('totalEvents', {
      description: 'Business events over the whole range: the sum of eventsByType.',
    }),
    eventsByType: t.field({
      type: [EventCount],
      description:
        'Business events over the whole range per type (every type, zeros included), the sums of the buckets.',
      resolve: (a) => a.eventsByType,
    }),
  }),
});

const IndexHealthType = builder.objectRef<IndexHealth>('IndexHealth').implement({
  description: 'Usage of one index since the last statistics reset.',
  fields: (t) => ({
    table: t.exposeString('table', { description: 'The table.' }),
    index: t.exposeString('index', { description: 'The index name.' }),
    sizeBytes: t.exposeFloat('sizeBytes', { description: 'Size on disk, in bytes.' }),
    scans: t.exposeFloat('scans', { description: 'Index scans.' }),
    tuplesRead: t.exposeFloat('tuplesRead', { description: 'Index entries returned by those scans.' }),
    unused: t.exposeBoolean('unused', { description: 'No scan since the statistics were reset.' }),
    enforcesConstraint: t.exposeBoolean('enforcesConstraint', {
      description: 'Primary key or unique: needed even when never scanned.',
    }),
    definition: t.exposeString('definition', { description: 'The CREATE INDEX statement.' }),
  }),
});

const TableHealthType = builder.objectRef<TableHealth>('TableHealth').implement({
  description: 'Rows and maintenance of one table.',
  fields: (t) => ({
    table: t.exposeString('table', { description: 'The table.' }),
    liveRows: t.exposeFloat('liveRows', { description: 'Estimated live rows.' }),
    deadRows: t.exposeFloat('deadRows', { description: 'Estimated dead rows (waiting for vacuum).' }),
    sizeBytes: t.exposeFloat('sizeBytes', { description: 'Size with indexes and TOAST, in bytes.' }),
    lastVacuum: t.expose('lastVacuum', { type: 'DateTime', nullable: true, description: 'Last manual VACUUM.' }),
    lastAutovacuum: t.expose('lastAutovacuum', { type: 'DateTime', nullable: true, description: 'Last autovacuum.' }),
    lastAnalyze: t.expose('lastAnalyze', { type: 'DateTime', nullable: true, description: 'Last manual ANALYZE.' }),
    lastAutoanalyze: t.expose('lastAutoanalyze', {
      type: 'DateTime',
      nullable: true,
      description: 'Last autoanalyze.',
    }),
  }),
});

const StatementHealthType = builder.objectRef<StatementHealth>('StatementHealth').implement({
  description: 'One normalized statement from pg_stat_statements.',
  fields: (t) => ({
    query: t.exposeString('query', { description: 'The statement, with parameters as $n.' }),
    calls: t.exposeFloat('calls', { description: 'Times run.' }),
    meanMs: t.exposeFloat('meanMs', { description: 'Mean execution time, ms.' }),
    totalMs: t.exposeFloat('totalMs', { description: 'Total execution time, ms.' }),
    rows: t.exposeFloat('rows', { description: 'Rows returned or affected in all.' }),
  }),
});

const SlowStatements = builder.objectRef<DatabaseHealth['slowStatements']>('SlowStatements').implement({
  description: 'The slowest statements, when pg_stat_statements is available.',
  fields: (t) => ({
    available: t.exposeBoolean('available', { description: 'False when pg_stat_statements cannot be read.' }),
    reason: t.exposeString('reason', { nullable: true, description: 'Why it is not available (null when it is).' }),
    statements: t.field({
      type: [StatementHealthType],
      description: 'The slowest by mean time (at most 10); empty when not available.',
      resolve: (s) => s.statements,
    }),
  }),
});

const DatabaseHealthType = builder.objectRef<DatabaseHealth>('DatabaseHealth').implement({
  description: 'Index usage, table maintenance and slow statements (PostgreSQL statistics).',
  fields: (t) => ({
    statsResetAt: t.expose('statsResetAt', {
      type: 'DateTime',
      nullable: true,
      description: "When this database's statistics were last reset; null: not since the server started.",
    }),
    indexes: t.field({
      type: [IndexHealthType],
      description: 'Every index, least scanned first.',
      resolve: (h) => h.indexes,
    }),
    tables: t.field({ type: [TableHealthType], description: 'Every table, by name.', resolve: (h) => h.tables }),
    slowStatements: t.field({
      type: SlowStatements,
      description: 'From pg_stat_statements.',
      resolve: (h) => h.slowStatements,
    }),
  }),
});

builder.queryFields((t) => ({
  analytics: t.field({
    type: AnalyticsType,
    description:
      'Admin only: sign-ups, active users, tasks created and completed, premium conversions per day or week. ' +
      '`from` is rounded down and `to` up to whole buckets; at most 400 days or 270 weeks.',
    authScopes: { admin: true },
    args: {
      from: t.arg({ type: 'DateTime', description: 'Start (inclusive).' }),
      to: t.arg({ type: 'DateTime', description: 'End (exclusive).' }),
      granularity: t.arg({ type: Granularity, description: 'Bucket size.', defaultValue: 'DAY' }),
    },
    resolve: (_root, args, ctx) => getAnalytics(ctx, args),
  }),
  databaseHealth: t.field({
    type: DatabaseHealthType,
    description:
      'Admin only: the index-usage analysis (sizes, scans, unused indexes), table maintenance, slowest statements.',
    authScopes: { admin: true },
    resolve: (_root, _args, ctx) => getDatabaseHealth(ctx),
  }),
}));
